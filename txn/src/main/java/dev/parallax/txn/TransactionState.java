package dev.parallax.txn;

/**
 * The per-session transaction state as one copyable value: exactly what a parallel worker must
 * restore to see what its leader sees (road step 7).
 *
 * @param topXid the top-level id, or 0 if none assigned
 * @param currentXid the current (innermost) (sub)transaction id, or 0
 * @param currentXids sorted ids counted as the transaction's own (top, current and sub-committed)
 * @param commandId the command counter
 * @param isolation the isolation level
 * @param readOnly declared read-only
 * @param comboCommandIds {@link ComboCommandIds#export()} of the transaction
 * @param transactionSnapshot the transaction snapshot (REPEATABLE READ / SERIALIZABLE), or null
 */
public record TransactionState(
    long topXid,
    long currentXid,
    long[] currentXids,
    int commandId,
    IsolationLevel isolation,
    boolean readOnly,
    int[] comboCommandIds,
    Snapshot transactionSnapshot) {}
