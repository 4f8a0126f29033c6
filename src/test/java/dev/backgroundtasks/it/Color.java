package dev.backgroundtasks.it;

/** An enum argument. */
public enum Color { RED, GREEN }
