export * from "./EtcdApi.js";
export * from "./EtcdLease.js";
export * from "./EtcdLock.js";
