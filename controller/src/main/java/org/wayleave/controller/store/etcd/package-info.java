/**
 * The store on etcd through jetcd: {@code EtcdStateStore} keeps the store's own revision, values
 * and audit log under one key namespace, so several stores (and other users) can share one etcd
 * cluster.
 */
package org.wayleave.controller.store.etcd;
