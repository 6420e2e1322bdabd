export * from "./RaftBugs.js";
export * from "./RaftClient.js";
export * from "./RaftCommands.js";
export * from "./RaftConfig.js";
export * from "./RaftMessages.js";
export * from "./RaftObserver.js";
export * from "./RaftServer.js";
export * from "./RaftStateMachine.js";
