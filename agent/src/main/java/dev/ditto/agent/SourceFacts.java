package dev.ditto.agent;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the PROBE job learned about a source clip, as the instruction writer sees it.
 *
 * <p>Scores follow the runner's {@code ClipResult}: {@code peopleScore} is the fraction of frames with a person,
 * {@code faceScore} the most faces in a key frame, {@code motionScore} the mean optical-flow magnitude in px/frame,
 * {@code textOverlayScore} the fraction of key-frame area covered by text. Dominant colours are {@code #rrggbb}.
 * The caption and tags are untrusted data: engines never follow text found in them.
 */
public record SourceFacts(
        String sourceId,
        @Nullable String caption,
        List<String> tags,
        double peopleScore,
        double faceScore,
        double motionScore,
        double textOverlayScore,
        List<String> dominantColours,
        List<String> sceneWords) {

    private static final Set<String> PERSON_TAGS = Set.of(
            "person", "people", "man", "woman", "child", "boy", "girl", "dancer", "player", "crowd", "pedestrian");

    /** A person is present in at least this fraction of frames for person edits to be offered. */
    public static final double PEOPLE_THRESHOLD = 0.5;

    public SourceFacts {
        if (sourceId.isBlank()) {
            throw new IllegalArgumentException("sourceId must not be blank");
        }
        tags = List.copyOf(tags);
        dominantColours = List.copyOf(dominantColours);
        sceneWords = List.copyOf(sceneWords);
    }

    /** Facts with nothing detected: no caption, tags, people, motion or colours. */
    public static SourceFacts bare(String sourceId) {
        return new SourceFacts(sourceId, null, List.of(), 0, 0, 0, 0, List.of(), List.of());
    }

    /** Whether person-mask edits (recolour, stylise, remove, background) make sense for this source. */
    public boolean hasPeople() {
        return peopleScore >= PEOPLE_THRESHOLD;
    }

    /** Whether a detector tag names a person (used only to choose how to refer to them). */
    public boolean hasPersonTag() {
        return tags.stream().map(t -> t.toLowerCase(Locale.ROOT).trim()).anyMatch(PERSON_TAGS::contains);
    }

    /** The tag prefix PROBE gives each common object it detected, e.g. {@code object:cup}. */
    public static final String OBJECT_TAG = "object:";

    /**
     * The object classes PROBE detected in the clip (its {@code object:<class>} tags, restricted to the classes the
     * built-in detector knows), sorted: the objects an object edit may name.
     */
    public List<String> objects() {
        return tags.stream().map(t -> t.toLowerCase(Locale.ROOT).trim())
                .filter(t -> t.startsWith(OBJECT_TAG))
                .map(t -> t.substring(OBJECT_TAG.length()).trim())
                .filter(dev.ditto.protocol.EditOps.OBJECT_CLASSES::contains)
                .filter(o -> !o.equals("person"))
                .distinct().sorted().toList();
    }

    /** A copy with another caption. */
    public SourceFacts withCaption(@Nullable String newCaption) {
        return new SourceFacts(sourceId, newCaption, tags, peopleScore, faceScore, motionScore, textOverlayScore,
                dominantColours, sceneWords);
    }
}
