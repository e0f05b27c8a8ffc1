package dev.ditto.curation;

/** Why a curator rejects a sample; the order is the order of the keys 1–7 in the review view. */
public enum ReasonCode {
    INSTRUCTION_NOT_FOLLOWED("Instruction not followed"),
    SOURCE_NOT_PRESERVED("Source not preserved"),
    ARTIFACTS("Visual artefacts"),
    FLICKER("Flicker / temporal inconsistency"),
    UNSAFE("Unsafe content"),
    LOW_QUALITY("Low quality"),
    OTHER("Other");

    private final String label;

    ReasonCode(String label) {
        this.label = label;
    }

    /** A short human label. */
    public String label() {
        return label;
    }

    /** The key (1–7) that picks this reason. */
    public int key() {
        return ordinal() + 1;
    }
}
