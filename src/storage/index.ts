export * from "./StableStorage.js";
