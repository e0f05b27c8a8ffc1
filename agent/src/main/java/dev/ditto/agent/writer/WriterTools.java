package dev.ditto.agent.writer;

import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.SourceFactsLookup;
import dev.ditto.agent.llm.UntrustedText;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tools the LLM writer may call; every result is neutralised and returned as a data block. */
final class WriterTools {

    private final InstructionLookup instructions;
    private final SourceFactsLookup sources;

    WriterTools(InstructionLookup instructions, SourceFactsLookup sources) {
        this.instructions = instructions;
        this.sources = sources;
    }

    @Tool("Returns up to 5 instructions already in the dataset that are most similar to the given text, so you can"
            + " avoid writing near-duplicates.")
    String similarInstructions(@P("an instruction you are considering") String text) {
        List<String> similar = instructions.similarInstructions(text, 5).stream()
                .map(s -> UntrustedText.neutralise(s).text())
                .toList();
        return UntrustedText.dataBlock("similar_instructions", Map.of("instructions", similar));
    }

    @Tool("Returns the probed facts of a source video by its id: caption, detector tags, scores, colours.")
    String sourceFacts(@P("the source id") String sourceId) {
        Optional<SourceFacts> facts = sources.find(sourceId);
        if (facts.isEmpty()) {
            return UntrustedText.dataBlock("source_facts", Map.of("error", "no source with that id"));
        }
        return UntrustedText.dataBlock("source_facts", describe(facts.get()));
    }

    /** The facts as neutralised fields, the same shape the writer's prompt uses. */
    static Map<String, Object> describe(SourceFacts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source_id", UntrustedText.neutralise(f.sourceId()).text());
        m.put("caption", f.caption() == null ? "" : UntrustedText.neutralise(f.caption()).text());
        m.put("tags", f.tags().stream().limit(30).map(t -> UntrustedText.neutralise(t).text()).toList());
        m.put("people_present", f.hasPeople());
        m.put("objects", f.objects());
        m.put("max_faces", f.faceScore());
        m.put("motion_px_per_frame", f.motionScore());
        m.put("text_overlay_fraction", f.textOverlayScore());
        m.put("dominant_colours", f.dominantColours().stream().filter(c -> c.matches("#[0-9a-fA-F]{6}")).toList());
        m.put("scene_words", f.sceneWords().stream().limit(20).map(w -> UntrustedText.neutralise(w).text()).toList());
        return m;
    }
}
