package dev.parallax.txn.lock;

/**
 * What is locked. One record for every kind so that the lock table is one map:
 * a relation, a tuple (relation, block, slot), a transaction id, or a generic object
 * (class id, object id) for later use (advisory locks, catalog objects).
 */
public record LockTag(Kind kind, long a, long b, long c) {
  public enum Kind { RELATION, TUPLE, TRANSACTION, OBJECT }

  public static LockTag relation(int relation) {
    return new LockTag(Kind.RELATION, relation, 0, 0);
  }

  public static LockTag tuple(int relation, int block, int slot) {
    return new LockTag(Kind.TUPLE, relation, block, slot);
  }

  public static LockTag transaction(long xid) {
    return new LockTag(Kind.TRANSACTION, xid, 0, 0);
  }

  public static LockTag object(int classId, long objectId) {
    return new LockTag(Kind.OBJECT, classId, objectId, 0);
  }

  /** Spreads tags over lock-table partitions and fast-path counters. */
  int spread() {
    long h = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + c * 0x165667B19E3779F9L + kind.ordinal();
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  /**
   * The spread hash, instead of the record's default, which mixes in the kind enum's identity hash
   * and is computed on every lock-table and local-count lookup (four per lock + release).
   */
  @Override
  public int hashCode() {
    return spread();
  }

  @Override
  public String toString() {
    return switch (kind) {
      case RELATION -> "relation " + a;
      case TUPLE -> "tuple (" + b + "," + c + ") of relation " + a;
      case TRANSACTION -> "transaction " + a;
      case OBJECT -> "object " + b + " of class " + a;
    };
  }
}
