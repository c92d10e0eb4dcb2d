package dev.naturalness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the report's escaping makes of names read from the corpus. */
class HtmlTest {
  @Test
  void markupIsEscapedAndInvisibleCharactersAreShown() {
    assertEquals(
        "evil&lt;U+202E&gt;eman &lt;b&gt; &amp; &quot;q&quot; &#39;",
        Html.esc("evil\u202Eeman <b> & \"q\" '"));
    assertEquals("gpt&lt;U+200B&gt;-4 ü 数学 🙂", Html.esc("gpt\u200B-4 ü 数学 🙂"));
  }
}
