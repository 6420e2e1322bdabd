export * from "./Simulation.js";
export * from "./SimulationConfig.js";
