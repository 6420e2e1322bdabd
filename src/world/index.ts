export * from "./Simulation.js";
export * from "./SimulationConfig.js";
export * from "./ClockProbe.js";
