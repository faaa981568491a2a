package dev.parallax.api;

import java.util.List;

/**
 * What {@link Database#check()} found: every problem in words (empty when the database is
 * consistent), how many indexes were checked and how many entries they hold.
 */
public record CheckReport(List<String> problems, int indexes, long entries) {
  public boolean ok() {
    return problems.isEmpty();
  }
}
