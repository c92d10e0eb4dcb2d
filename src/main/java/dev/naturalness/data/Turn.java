package dev.naturalness.data;

import java.io.Serializable;

/**
 * One turn of a conversation: its role (system, user or assistant, the names the job maps the
 * corpus's roles to) and its text.
 */
public record Turn(String role, String content) implements Serializable {
  public static final String SYSTEM = "system";
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
}
