package dev.ditto.web;

/** A request parameter out of its range: answered 400 with the reason by {@link ApiProblems}. */
public final class BadParameterException extends RuntimeException {

    public BadParameterException(String message) {
        super(message);
    }

    /** Refuses a negative {@code limit}, {@code offset} or the like. */
    public static int nonNegative(String name, int value) {
        if (value < 0) {
            throw new BadParameterException("The parameter '" + name + "' must be 0 or more, not " + value + ".");
        }
        return value;
    }
}
