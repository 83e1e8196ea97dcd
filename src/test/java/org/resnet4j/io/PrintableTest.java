package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void escapesEveryCharacterThatCouldBreakALine() {
        assertEquals("a\\nb\\rc\\td\\u0000e\\u001Bf\\u0085g\\u2028h\\u2029", Printable.of(
                "a\nb\rc\td\u0000e\u001Bf\u0085g\u2028h\u2029"));
    }

    @Test
    void keepsOtherTextAsIs() {
        String name = "layer1.0.bn2.running_var é 😀 \"q\" 'q'";

        assertEquals(name, Printable.of(name));
    }

    @Test
    void cutsLongTextAndSaysHowLong() {
        String shown = Printable.of("😀".repeat(Printable.MAX_CHARACTERS + 5));

        assertEquals("😀".repeat(Printable.MAX_CHARACTERS) + "... (125 characters)", shown);
    }
}
