package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unpaired UTF-16 surrogate escapes in JSON text become U+FFFD's escape; nothing else changes. */
class JsonTextTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"r\":\"a\\ud800b\"}|{\"r\":\"a\\ufffdb\"}",
        "{\"r\":\"a\\uDC00\"}|{\"r\":\"a\\ufffd\"}",
        "{\"r\":\"\\ud800\\ud800\\udc00\"}|{\"r\":\"\\ufffd\\ud800\\udc00\"}",
        "{\"r\":\"\\ud83d\\ude00 ok\"}|{\"r\":\"\\ud83d\\ude00 ok\"}",
        "{\"r\":\"\\\\ud800 is text\"}|{\"r\":\"\\\\ud800 is text\"}",
        "{\"r\":\"\\\\\\ud800\"}|{\"r\":\"\\\\\\ufffd\"}",
        "{\"r\":\"\\u00e9\\n\"}|{\"r\":\"\\u00e9\\n\"}",
        "{\"r\":\"end\\ud800\"}|{\"r\":\"end\\ufffd\"}",
      })
  void replacesOnlyUnpairedSurrogateEscapes(String json, String expected) {
    assertEquals(expected, JsonText.replaceUnpairedSurrogates(json));
  }

  @Test
  void aLineWithoutEscapesIsReturnedAsItIs() {
    String line = "{\"r\":\"plain 🍎 text\"}";
    assertSame(line, JsonText.replaceUnpairedSurrogates(line));
  }
}
