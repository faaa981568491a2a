package dev.parallax.storage;

/** Replays the records of one resource manager during recovery. Must be deterministic. */
@FunctionalInterface
public interface RedoHandler {
  void redo(WalRecord record, RedoContext context);
}
