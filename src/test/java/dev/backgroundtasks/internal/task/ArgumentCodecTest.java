package dev.backgroundtasks.internal.task;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgumentCodecTest {

    public enum Size { SMALL, LARGE }

    public record Item(String name, int count, Size size) {
    }

    /** Written as {"secret":…} but unreadable: no no-argument constructor. */
    public static class Sealed {
        private final String secret;

        public Sealed(String secret) {
            this.secret = secret;
        }

        public String getSecret() {
            return secret;
        }
    }

    /** Readable, but loses its field on the way: a getter without a setter. */
    public static class Lossy {
        private int value = 1;

        public int getValue() {
            return value;
        }

        public void bump() {
            value++;
        }
    }

    @SuppressWarnings("unused")
    static class Tasks {
        void everything(int i, long l, boolean b, String s, Size size, Item item, List<Item> items,
                        Map<String, Integer> counts, Instant at, LocalDate day, List<Long> ids) {
        }

        void sealed(Sealed value) {
        }

        void lossy(Lossy value) {
        }

        void primitive(int count) {
        }
    }

    private final ArgumentCodec codec = new ArgumentCodec();

    @AfterEach
    void close() {
        codec.close();
    }

    private static Method method(String name) {
        return Arrays.stream(Tasks.class.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void argumentsRoundTripIntoTheDeclaredGenericTypes() {
        Map<String, Integer> counts = new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3));
        Object[] args = {3, 1L << 50, true, "quote \" and ünïcode", Size.LARGE, new Item("pen", 2, Size.SMALL),
                List.of(new Item("a", 1, null)), counts, Instant.parse("2026-01-02T03:04:05.678Z"),
                LocalDate.of(2026, 11, 25), List.of(1L, 2L)};
        String json = codec.encode("t", method("everything"), args);
        assertTrue(json.startsWith("[3,1125899906842624,true,"), json);
        assertArrayEquals(args, codec.decode(json, method("everything")));
    }

    @Test
    void anArgumentThatCannotBeReadBackIsRefusedNamingTheParameter() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> codec.encode("vault.open", method("sealed"), new Object[] {new Sealed("x")}));
        assertTrue(error.getMessage().startsWith("Task 'vault.open': argument 'value' (#1, "), error.getMessage());
        assertTrue(error.getMessage().contains("cannot be read back"), error.getMessage());
    }

    @Test
    void anArgumentThatChangesOnTheWayIsRefused() {
        Lossy lossy = new Lossy();
        lossy.bump();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> codec.encode("t", method("lossy"), new Object[] {lossy}));
        assertTrue(error.getMessage().contains("does not survive JSON: written as {\"value\":2}, read back as {\"value\":1}"),
                error.getMessage());
    }

    @Test
    void wrongCountsTypesAndNullPrimitivesAreRefused() {
        assertEquals("Task 't' takes 1 argument(s) (int count), got 2", assertThrows(IllegalArgumentException.class,
                () -> codec.encode("t", method("primitive"), new Object[] {1, 2})).getMessage());
        assertEquals("Task 't': argument 'count' (#1, int) is a java.lang.String, not a int",
                assertThrows(IllegalArgumentException.class,
                        () -> codec.encode("t", method("primitive"), new Object[] {"1"})).getMessage());
        assertEquals("Task 't': argument 'count' (#1, int) is null, but the parameter is a primitive",
                assertThrows(IllegalArgumentException.class,
                        () -> codec.encode("t", method("primitive"), new Object[] {null})).getMessage());
    }

    @Test
    void badStoredParamsGiveAReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> codec.decode("{oops", method("primitive")))
                .getMessage().startsWith("params are not valid JSON"));
        assertEquals("params hold 2 value(s) but dev.backgroundtasks.internal.task.ArgumentCodecTest$Tasks.primitive(int) takes 1",
                assertThrows(IllegalArgumentException.class, () -> codec.decode("[1,2]", method("primitive"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> codec.decode("[\"x\"]", method("primitive")))
                .getMessage().startsWith("params value \"x\" does not read as 'count' (#1, int)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> codec.decode("[null]", method("primitive")))
                .getMessage().startsWith("params hold null for primitive parameter 'count'"));
    }

    @Test
    void resultsAreJsonAndVoidHasNone() {
        assertEquals("{\"count\":2,\"name\":\"pen\",\"size\":\"SMALL\"}",
                codec.encodeResult(new Item("pen", 2, Size.SMALL), Item.class));
        assertEquals(null, codec.encodeResult(null, void.class));
        assertEquals("42", codec.encodeResult(42, int.class));
    }
}
