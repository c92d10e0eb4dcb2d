package dev.naturalness.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text, as the job names things by content (prompt ids, score definitions). */
public final class Sha256 {
  private Sha256() {}

  /** The sha256 of a text's UTF-8 bytes, in lower-case hex (as Spark's sha2(text, 256)). */
  public static String hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
