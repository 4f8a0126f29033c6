package dev.backgroundtasks.it;

/** A record argument. */
public record Point(int x, int y, String label) {
}
