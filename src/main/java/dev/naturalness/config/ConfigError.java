package dev.naturalness.config;

/** A job-level problem found before any work starts; the message is the one line users see. */
public final class ConfigError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigError(String message) {
    super(message);
  }
}
