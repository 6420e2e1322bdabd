export * from "./EtcdCluster.js";
export * from "./EtcdHttpClient.js";
export * from "./freeLoopbackPorts.js";
