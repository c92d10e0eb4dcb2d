package dev.naturalness.data;

import java.io.Serializable;

/** A teacher under one student: what per-teacher figures of a run with several students key on. */
public record StudentTeacher(String student, String teacher) implements Serializable {}
