/**
 * Parallel query infrastructure (road step 7): the parallel context, worker launch, copying the
 * leader's transaction state into workers, lock-group membership, error forwarding. Empty until
 * that issue; the leader-side state it will copy already exists as
 * {@code dev.parallax.txn.TransactionState}.
 */
package dev.parallax.parallel;
