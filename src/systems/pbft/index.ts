export * from "./Keyring.js";
export * from "./PbftCertificates.js";
export * from "./PbftClient.js";
export * from "./PbftConfig.js";
export * from "./PbftLog.js";
export * from "./PbftMessages.js";
export * from "./PbftReplica.js";
export * from "./PairwiseMacs.js";
