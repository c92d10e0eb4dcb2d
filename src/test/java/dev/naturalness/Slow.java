package dev.naturalness;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test of the slow tier: it starts processes (a job's own JVM, a script, Python), a cluster, an
 * S3 server, a browser or a notebook. {@code mvn test -Pfast} leaves these out; {@code mvn test}
 * and CI run everything.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface Slow {}
