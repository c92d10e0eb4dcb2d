package dev.naturalness.scoring;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How many preceding steps condition step i (1-based): {@code steps = k} or {@code fraction = a}.
 */
public sealed interface WindowRule extends Serializable {

  /** w_i, the number of preceding steps in step i's window. */
  int window(int i);

  /**
   * The rule as written in config and output keys, normalised: {@code steps=4}, {@code
   * fraction=0.25}.
   */
  String spec();

  /** {@code steps=K} or {@code fraction=A} (spaces allowed around '='). */
  static WindowRule parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("window '" + spec + "' must be steps=K or fraction=A");
    }
    String kind = spec.substring(0, eq).trim();
    String value = spec.substring(eq + 1).trim();
    try {
      return switch (kind) {
        case "steps" -> new Steps(wholeSteps(spec, value));
        case "fraction" -> new Fraction(new BigDecimal(value));
        default ->
            throw new IllegalArgumentException(
                "window '" + spec + "' must be steps=K or fraction=A");
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("window '" + spec + "' has no number after '='", e);
    }
  }

  /**
   * The k of {@code steps=k}: a whole number that fits an int (a window never holds more steps).
   */
  private static int wholeSteps(String spec, String value) {
    if (value.matches("[+-]?\\d+")) {
      BigDecimal k = new BigDecimal(value);
      if (k.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(
            "window '"
                + spec
                + "' asks for more steps than a window can hold; at most "
                + Integer.MAX_VALUE);
      }
    }
    return Integer.parseInt(value);
  }

  /** w_i = min(k, i - 1). */
  record Steps(int k) implements WindowRule {
    public Steps {
      if (k < 0) {
        throw new IllegalArgumentException("window steps must be >= 0, got " + k);
      }
    }

    @Override
    public int window(int i) {
      return Math.min(k, i - 1);
    }

    @Override
    public String spec() {
      return "steps=" + k;
    }
  }

  /**
   * w_i = ceil(a * (i - 1)), computed in decimal so that 0.05 x 20 is exactly 1 (in binary floating
   * point it is a hair above 1 and would round up to 2).
   */
  record Fraction(BigDecimal a) implements WindowRule {
    public Fraction {
      if (a.signum() < 0 || a.compareTo(BigDecimal.ONE) > 0) {
        throw new IllegalArgumentException("window fraction must be in [0, 1], got " + a);
      }
    }

    public static Fraction of(String decimal) {
      return new Fraction(new BigDecimal(decimal));
    }

    @Override
    public int window(int i) {
      return a.multiply(BigDecimal.valueOf(i - 1L))
          .setScale(0, RoundingMode.CEILING)
          .intValueExact();
    }

    @Override
    public String spec() {
      BigDecimal plain = a.stripTrailingZeros();
      return "fraction=" + (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
    }

    /** 0.25 and 0.250 are the same rule. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Fraction f && f.a.compareTo(a) == 0;
    }

    @Override
    public int hashCode() {
      return a.stripTrailingZeros().hashCode();
    }
  }
}
