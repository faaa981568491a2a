package dev.parallax.mvcc;

/** What vacuum may do with a version, per {@link HeapVisibility#satisfiesVacuum}. */
public enum VacuumVerdict {
  /** Visible to someone now or later: keep. */
  LIVE,
  /** Invisible to every running and future snapshot: remove. */
  DEAD,
  /** Deleted by a committed transaction some running snapshot does not see yet: keep for now. */
  RECENTLY_DEAD,
  /** Its inserter is still running. */
  INSERT_IN_PROGRESS,
  /** Its deleter is still running. */
  DELETE_IN_PROGRESS
}
