package dev.naturalness.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JNI scripts build for the DJL the job runs with. */
class NativeScriptsTest {
  @Test
  void theJniIsBuiltFromTheDjlVersionInThePom() throws Exception {
    Matcher pom =
        Pattern.compile("<djl.version>([^<]+)</djl.version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(pom.find());
    String script = Files.readString(Path.of("src/main/native/djl-version.sh"));
    Matcher version = Pattern.compile("(?m)^DJL_VERSION=(\\S+)$").matcher(script);
    assertTrue(version.find(), script);
    assertEquals(pom.group(1), version.group(1), "djl-version.sh against the pom");
    assertTrue(
        Pattern.compile("(?m)^DJL_COMMIT=[0-9a-f]{40}$").matcher(script).find(),
        "a full commit id pins the source");
    assertTrue(script.contains("v" + pom.group(1)), "the comment names the tag");
  }
}
