package dev.kiln.cli;

/** Colours only on a terminal, and never when {@code NO_COLOR} is set (no-color.org). */
final class Terminal {

    static final boolean COLOUR = System.console() != null && System.getenv("NO_COLOR") == null;

    private Terminal() {
    }

    static String green(String s) {
        return COLOUR ? "\u001b[32m" + s + "\u001b[0m" : s;
    }

    static String red(String s) {
        return COLOUR ? "\u001b[31m" + s + "\u001b[0m" : s;
    }

    static String yellow(String s) {
        return COLOUR ? "\u001b[33m" + s + "\u001b[0m" : s;
    }

    /**
     * @param tone ok, warn, fail or info (what the local API's lines say)
     * @param s the text
     * @return it coloured for its tone
     */
    static String tone(String tone, String s) {
        return switch (tone) {
            case "ok" -> green(s);
            case "warn" -> yellow(s);
            case "fail" -> red(s);
            default -> s;
        };
    }

    static String bold(String s) {
        return COLOUR ? "\u001b[1m" + s + "\u001b[0m" : s;
    }
}
