package dev.ditto.agent.writer;

import static dev.ditto.agent.Fixtures.aSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.protocol.EditSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The writers offer object edits only for objects PROBE found, and refuse instructions the operator would not do. */
class ObjectEditWritingTest {

    private final GrammarInstructionWriter writer = new GrammarInstructionWriter();

    @Test
    void grammarNamesOnlyObjectsTheClipWasTaggedWith() {
        SourceFacts source = aSource().tags("object:cup", "object:box", "table top").build();
        List<InstructionDraft> drafts = writer.write(source, CategoryMix.defaultMix(), 300, 5);
        Set<String> objects = drafts.stream().filter(d -> d.edit().op().startsWith("object_"))
                .map(d -> (String) d.edit().params().get("object")).collect(Collectors.toSet());
        assertThat(objects).isNotEmpty().isSubsetOf("cup", "box");
        assertThat(drafts).allSatisfy(d -> {
            assertThat(EditSpecRules.problems(d.category(), d.edit(), source)).as(d.toString()).isEmpty();
            assertThat(EditSpecRules.wordingProblems(d.instruction(), d.edit())).as(d.toString()).isEmpty();
        });
        // no people: the local categories come from the objects, and never with a person operator
        assertThat(drafts).noneMatch(d -> EditSpecRules.needsPeople(d.edit().op()));
        assertThat(drafts).anyMatch(d -> d.edit().op().equals("object_remove"));
        assertThat(drafts).anyMatch(d -> d.instruction().contains("cup") || d.instruction().contains("box"));
    }

    @Test
    void grammarWritesNoObjectEditWithoutAnObjectTag() {
        // the fixture's plain "car" tag is a caption word, not a detection: no "remove the car"
        SourceFacts source = aSource().withPeople().build();
        List<InstructionDraft> drafts = writer.write(source, CategoryMix.defaultMix(), 300, 9);
        assertThat(drafts).noneMatch(d -> d.edit().op().startsWith("object_"));
        assertThat(drafts).noneMatch(d -> d.instruction().toLowerCase().contains("remove the car"));
    }

    @Test
    void addsAreNotOnlyWeather() {
        SourceFacts source = aSource().withPeople().build();
        Set<String> adds = writer.write(source, CategoryMix.defaultMix(), 400, 13).stream()
                .filter(d -> d.category() == Category.LOCAL_ADD).map(d -> d.edit().op()).collect(Collectors.toSet());
        assertThat(adds).contains("add_sign", "add_sticker", "add_rain");
    }

    @Test
    void rulesRefuseAnObjectTheClipDoesNotShow() {
        SourceFacts source = aSource().tags("object:cup").build();
        EditSpec car = new EditSpec("object_remove", Map.of("object", "car"), 1, "Remove the car.");
        assertThat(EditSpecRules.problems(Category.LOCAL_REMOVE, car, source))
                .anySatisfy(p -> assertThat(p).contains("PROBE found no car"));
        EditSpec cup = new EditSpec("object_remove", Map.of("object", "cup"), 1, "Remove the cup.");
        assertThat(EditSpecRules.problems(Category.LOCAL_REMOVE, cup, source)).isEmpty();
    }

    @Test
    void instructionsWhoseWordsDoNotMatchTheOperatorAreRefusedWithTheReason() {
        EditSpec dragonAsRain = new EditSpec("add_rain", Map.of("density", 0.5), 1, "Add a dragon flying overhead.");
        assertThat(EditSpecRules.wordingProblems("Add a dragon flying overhead.", dragonAsRain))
                .singleElement().asString().contains("does not ask for what add_rain adds");
        EditSpec carAsCup = new EditSpec("object_recolour", Map.of("object", "cup", "hue", 10), 1, "Paint the car red.");
        assertThat(EditSpecRules.wordingProblems("Paint the car red.", carAsCup))
                .singleElement().asString().contains("does not name the cup");
        EditSpec cupAsPerson = new EditSpec("person_recolour", Map.of("hue", 10, "strength", 0.5), 1, "Paint the mug red.");
        assertThat(EditSpecRules.wordingProblems("Paint the mug red.", cupAsPerson))
                .singleElement().asString().contains("acts on people");
        EditSpec ok = new EditSpec("add_sign", Map.of("text", "OPEN"), 1, "Put up a sign that says OPEN.");
        assertThat(EditSpecRules.wordingProblems("Put up a sign that says OPEN.", ok)).isEmpty();
        assertThat(EditSpecRules.wordingProblems("Make the mugs blue.",
                new EditSpec("object_recolour", Map.of("object", "cup", "hue", 220), 1, "Make the mugs blue."))).isEmpty();
    }

    @Test
    void objectTagsAreReadFromProbeTags() {
        SourceFacts source = aSource().tags("object:cup", "object:Box", "object:unicorn", "object:person", "kitchen").build();
        assertThat(source.objects()).containsExactly("box", "cup");
        assertThat(EditSpecRules.categoriesFor(source)).contains(Category.LOCAL_ATTRIBUTE, Category.LOCAL_REMOVE)
                .doesNotContain(Category.BACKGROUND);
    }
}
