package dev.parallax.sql.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into statements at semicolons that are outside quotes ('...', "...") and
 * comments (-- and block comments), as psql does. Each statement is returned trimmed, without its
 * semicolon; blank ones are dropped. {@link #complete} tells a shell whether the text so far ends
 * a statement.
 */
public final class ScriptSplitter {
  private ScriptSplitter() {}

  public static List<String> split(String script) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(script, i, c);
      } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        while (i < n && script.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int end = script.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == ';') {
        add(out, script.substring(start, i));
        start = ++i;
      } else {
        i++;
      }
    }
    add(out, script.substring(start));
    return out;
  }

  /** Whether {@code text} holds at least one statement ended by a semicolon outside quotes and comments, and nothing after it. */
  public static boolean complete(String text) {
    return endsWithTerminator(text.strip());
  }

  private static boolean endsWithTerminator(String t) {
    int i = 0;
    int n = t.length();
    boolean terminated = false;
    while (i < n) {
      char c = t.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipQuoted(t, i, c);
        if (end > n || (end == n && t.charAt(n - 1) != c)) {
          return false;
        }
        i = end;
        terminated = false;
      } else if (c == '-' && i + 1 < n && t.charAt(i + 1) == '-') {
        while (i < n && t.charAt(i) != '\n') {
          i++;
        }
      } else if (c == ';') {
        terminated = true;
        i++;
      } else {
        if (!Character.isWhitespace(c)) {
          terminated = false;
        }
        i++;
      }
    }
    return terminated;
  }

  private static int skipQuoted(String s, int i, char quote) {
    i++;
    while (i < s.length()) {
      if (s.charAt(i) == quote) {
        if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return s.length() + 1;
  }

  private static void add(List<String> out, String stmt) {
    String s = stmt.strip();
    while (s.startsWith("--")) { // leading comment lines belong to no statement
      int nl = s.indexOf('\n');
      s = nl < 0 ? "" : s.substring(nl + 1).strip();
    }
    if (!s.isEmpty() && !onlyComments(s)) {
      out.add(s);
    }
  }

  private static boolean onlyComments(String s) {
    for (String line : s.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("--")) {
        return false;
      }
    }
    return true;
  }
}
