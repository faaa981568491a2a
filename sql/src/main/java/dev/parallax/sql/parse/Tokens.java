package dev.parallax.sql.parse;

import dev.parallax.sql.SqlSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SQL tokenizer for the front parser: words (folded to lower case, as PostgreSQL folds
 * unquoted identifiers), "quoted identifiers" (kept as written), 'strings' ('' is a quote),
 * numbers and single-character symbols; whitespace and -- / block comments are skipped. Each token
 * remembers its 1-based offset so errors can point at it.
 */
final class Tokens {
  enum Kind { WORD, IDENT, STRING, NUMBER, SYMBOL, END }

  record Token(Kind kind, String text, int position) {
    boolean isWord(String w) {
      return kind == Kind.WORD && text.equals(w);
    }
  }

  private final List<Token> tokens;
  private int next;

  private Tokens(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Tokens of(String sql) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (Character.isLetter(c) || c == '_') {
        int s = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
          i++;
        }
        out.add(new Token(Kind.WORD, sql.substring(s, i).toLowerCase(Locale.ROOT), s + 1));
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
        int s = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Kind.NUMBER, sql.substring(s, i), s + 1));
      } else if (c == '\'' || c == '"') {
        int s = i;
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new SqlSyntaxException("unterminated quoted " + (c == '"' ? "identifier" : "string") + " at or near \""
                + sql.substring(s) + "\"", s + 1);
          }
          char d = sql.charAt(i);
          if (d == c) {
            if (i + 1 < n && sql.charAt(i + 1) == c) {
              b.append(c);
              i += 2;
              continue;
            }
            i++;
            break;
          }
          b.append(d);
          i++;
        }
        out.add(new Token(c == '"' ? Kind.IDENT : Kind.STRING, b.toString(), s + 1));
      } else {
        out.add(new Token(Kind.SYMBOL, String.valueOf(c), i + 1));
        i++;
      }
    }
    out.add(new Token(Kind.END, "", 0));
    return new Tokens(out);
  }

  Token peek() {
    return tokens.get(next);
  }

  Token peek(int ahead) {
    return tokens.get(Math.min(tokens.size() - 1, next + ahead));
  }

  Token take() {
    Token t = tokens.get(next);
    if (t.kind() != Kind.END) {
      next++;
    }
    return t;
  }

  boolean accept(String word) {
    if (peek().isWord(word)) {
      next++;
      return true;
    }
    return false;
  }

  boolean acceptSymbol(String s) {
    if (peek().kind() == Kind.SYMBOL && peek().text().equals(s)) {
      next++;
      return true;
    }
    return false;
  }

  void expect(String word) {
    if (!accept(word)) {
      throw unexpected();
    }
  }

  /** An identifier: a word or a quoted identifier. */
  String identifier() {
    Token t = peek();
    if (t.kind() == Kind.WORD || t.kind() == Kind.IDENT) {
      next++;
      return t.text();
    }
    throw unexpected();
  }

  boolean atEnd() {
    acceptSymbol(";");
    return peek().kind() == Kind.END;
  }

  void expectEnd() {
    if (!atEnd()) {
      throw unexpected();
    }
  }

  SqlSyntaxException unexpected() {
    Token t = peek();
    if (t.kind() == Kind.END) {
      return new SqlSyntaxException("syntax error at end of input", 0);
    }
    return new SqlSyntaxException("syntax error at or near \"" + t.text() + "\"", t.position());
  }
}
