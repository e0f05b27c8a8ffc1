package dev.ditto.agent.writer;

import dev.ditto.agent.AgentException;
import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.InstructionText;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.SourceFactsLookup;
import dev.ditto.agent.judge.SafetyBlocklist;
import dev.ditto.agent.llm.ChatModels;
import dev.ditto.agent.llm.ModelEndpoint;
import dev.ditto.agent.llm.RetryPolicy;
import dev.ditto.agent.llm.UntrustedText;
import dev.ditto.protocol.EditOps;
import dev.ditto.protocol.EditSpec;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-server writer: a LangChain4j AI service with JSON-schema output and tools (similar instructions,
 * source facts). Source text goes in as an untrusted data block; every proposal is checked against the edit-spec
 * rules, the CSV text rules and the injection spans before it becomes a draft.
 */
public final class LlmInstructionWriter implements InstructionWriter {

    /** Prompt version recorded on every draft. */
    public static final String PROMPT_VERSION = "llm-writer-2026.3";

    private static final Logger log = LoggerFactory.getLogger(LlmInstructionWriter.class);

    private static final String SYSTEM = """
            You write instructions for an instruction-based video-editing dataset (like Ditto-1M).
            Each instruction is one imperative English sentence a human editor could follow, plus the operator
            that executes it. Categories and their operators:
            - global_style: op "style" (params style, strength)
            - global_freeform: op "grade" (params grade, strength) — weather, time of day, season, film looks
            - local_attribute: op "person_recolour" (params hue 0..360, strength; recolours clothing) or
              "person_stylize" (param style), or "object_recolour" (params object, hue, strength) or
              "object_stylize" (params object, style) for an object the video shows
            - local_add: op "add_snowfall" or "add_rain" (param density 0..1), "add_sign" (param text, optional
              colour "#rrggbb") or "add_sticker" (param shape smiley/star/heart, optional colour)
            - local_remove: op "person_remove" (no params) or "object_remove" (param object)
            - local_replace: op "person_stylize" (param style) — replace the person with a stylised figure — or
              "object_stylize" (params object, style)
            - background: op "background_blur" (param radius 1..64) or "background_replace" (exactly one of
              colour "#rrggbb", grade, style)
            Styles: {{styles}}. Grades: {{grades}}.
            Person and background operators need a person in the video; never use them when people_present is false.
            The caption is a dense description of the video: write edits that fit what it shows (its subjects,
            setting, light and motion) and name them the way it does, but never copy its sentences.
            Object operators may name only an object listed in the video's objects. The instruction must ask for
            exactly what the operator does: nothing can be added but rain, snow, a sign or a sticker, and an
            instruction whose words ask for something else is refused.
            Vary wording, verbs and sentence shape; avoid instructions similar to existing ones (use the
            similarInstructions tool when unsure). Answer only with the JSON object asked for.
            """;

    interface WriterAssistant {
        @SystemMessage(SYSTEM)
        @UserMessage("""
                Write {{count}} instructions for the video described below.
                Categories this video allows (use no others): {{allowed}}.
                Target count per category: {{quota}}.
                {{rules}}
                {{data}}
                """)
        ProposedBatch propose(@V("count") int count, @V("allowed") String allowed, @V("quota") String quota, @V("rules") String rules,
                              @V("data") String data, @V("styles") String styles, @V("grades") String grades);
    }

    private final WriterAssistant assistant;
    private final String engine;
    private final String model;
    private final RetryPolicy retry;
    private final SafetyBlocklist blocklist = SafetyBlocklist.defaults();

    /** A writer over any chat model; {@code engine} and {@code model} label its drafts. */
    public LlmInstructionWriter(ChatModel chatModel, String engine, String model, InstructionLookup similar,
                                SourceFactsLookup sources, RetryPolicy retry) {
        this.assistant = AiServices.builder(WriterAssistant.class)
                .chatModel(chatModel)
                .tools(new WriterTools(similar, sources))
                .build();
        this.engine = engine;
        this.model = model;
        this.retry = retry;
    }

    /** A writer for a configured endpoint. */
    public static LlmInstructionWriter forEndpoint(ModelEndpoint endpoint, InstructionLookup similar,
                                                   SourceFactsLookup sources, RetryPolicy retry) {
        return new LlmInstructionWriter(ChatModels.create(endpoint), ChatModels.engineLabel(endpoint),
                endpoint.model(), similar, sources, retry);
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public List<InstructionDraft> write(SourceFacts source, CategoryMix mix, int count, long seed) {
        if (count <= 0) {
            return List.of();
        }
        Set<Category> allowedCategories = EditSpecRules.categoriesFor(source);
        CategoryMix effective;
        try {
            effective = mix.restrictedTo(allowedCategories);
        } catch (IllegalArgumentException e) {
            throw new AgentException(source.sourceId(), "no category of the mix suits this source: " + e.getMessage(), e);
        }
        UntrustedText.Neutralised caption = UntrustedText.neutralise(source.caption() == null ? "" : source.caption());
        List<UntrustedText.Neutralised> untrusted = new ArrayList<>();
        untrusted.add(caption);
        source.tags().forEach(t -> untrusted.add(UntrustedText.neutralise(t)));
        source.sceneWords().forEach(w -> untrusted.add(UntrustedText.neutralise(w)));
        String data = UntrustedText.dataBlock("source", WriterTools.describe(source));
        String allowedNames = allowedCategories.stream().map(Category::wireName).collect(Collectors.joining(", "));

        List<InstructionDraft> accepted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> lastProblems = new ArrayList<>();
        try {
            retry.run(source.sourceId(), "writing instructions", attempt -> {
            int missing = count - accepted.size();
            String quota = effective.allocate(missing).entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey().wireName() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            ProposedBatch batch = assistant.propose(missing, allowedNames, quota, UntrustedText.rules(), data,
                    String.join(", ", EditOps.GLOBAL_STYLES), String.join(", ", EditOps.COLOUR_GRADES));
            if (batch == null || batch.instructions() == null) {
                throw new MalformedOutputException("the model's JSON has no 'instructions' array");
            }
            lastProblems.clear();
            for (ProposedBatch.ProposedInstruction p : batch.instructions()) {
                if (accepted.size() >= count) {
                    break;
                }
                try {
                    InstructionDraft draft = toDraft(p, source, untrusted, seed + accepted.size());
                    if (seen.add(draft.instruction().toLowerCase(Locale.ROOT))) {
                        accepted.add(draft);
                    }
                } catch (IllegalArgumentException rejected) {
                    lastProblems.add(rejected.getMessage());
                    log.info("rejected proposal for {}: {}", source.sourceId(), rejected.getMessage());
                }
            }
            if (accepted.isEmpty()) {
                throw new MalformedOutputException("no valid instruction in the model's answer: " + lastProblems);
            }
            if (accepted.size() < count && attempt < retry.maxAttempts()) {
                throw new MalformedOutputException("only " + accepted.size() + " of " + count + " instructions were valid: " + lastProblems);
            }
            return accepted;
            });
        } catch (AgentException e) {
            if (accepted.isEmpty()) {
                throw e;
            }
            log.warn("keeping {} of {} instructions for {}: {}", accepted.size(), count, source.sourceId(), e.getMessage());
        }
        return List.copyOf(accepted);
    }

    private InstructionDraft toDraft(ProposedBatch.ProposedInstruction p, SourceFacts source,
                                     List<UntrustedText.Neutralised> untrusted, long specSeed) {
        if (p.category() == null || p.instruction() == null || p.op() == null) {
            throw new IllegalArgumentException("proposal lacks category, instruction or op: " + p);
        }
        Category category = Category.parse(p.category())
                .orElseThrow(() -> new IllegalArgumentException("unknown category '" + p.category() + "'"));
        String text = InstructionText.validate(p.instruction());
        if (text.split("\\s+").length < 3) {
            throw new IllegalArgumentException("instruction '" + text + "' is too short to describe an edit");
        }
        for (UntrustedText.Neutralised n : untrusted) {
            if (n.echoedIn(text)) {
                throw new IllegalArgumentException("instruction '" + text + "' repeats instruction-like text from the source's metadata");
            }
        }
        if (text.contains(UntrustedText.REMOVED) || text.contains(UntrustedText.OPEN) || text.contains(UntrustedText.CLOSE)) {
            throw new IllegalArgumentException("instruction '" + text + "' copies data-block markup");
        }
        blocklist.firstMatch(text).ifPresent(term -> {
            throw new IllegalArgumentException("instruction '" + text + "' contains blocked term '" + term + "'");
        });
        String op = p.op().strip();
        EditSpec spec = new EditSpec(op, params(op, p), specSeed, text);
        List<String> problems = new ArrayList<>(EditSpecRules.problems(category, spec, source));
        problems.addAll(EditSpecRules.wordingProblems(text, spec));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("proposal '" + text + "' breaks the edit-spec rules: " + problems);
        }
        return new InstructionDraft(source.sourceId(), category, text, spec, engine, model, PROMPT_VERSION);
    }

    /** Keeps only the parameters the operator takes; style and grade strengths default to 0.8. */
    private static Map<String, Object> params(String op, ProposedBatch.ProposedInstruction p) {
        Map<String, Object> params = new LinkedHashMap<>();
        switch (op) {
            case "style" -> {
                putIfPresent(params, "style", p.style());
                params.put("strength", p.strength() == null ? 0.8 : p.strength());
            }
            case "grade" -> {
                putIfPresent(params, "grade", p.grade());
                params.put("strength", p.strength() == null ? 0.8 : p.strength());
            }
            case "person_recolour" -> {
                putIfPresent(params, "hue", p.hue());
                params.put("strength", p.strength() == null ? 0.7 : p.strength());
            }
            case "person_stylize" -> putIfPresent(params, "style", p.style());
            case "background_blur" -> putIfPresent(params, "radius", p.radius());
            case "background_replace" -> {
                putIfPresent(params, "colour", p.colour());
                putIfPresent(params, "grade", p.grade());
                putIfPresent(params, "style", p.style());
            }
            case "add_snowfall", "add_rain" -> putIfPresent(params, "density", p.density());
            case "object_recolour" -> {
                putIfPresent(params, "object", p.object());
                putIfPresent(params, "hue", p.hue());
                params.put("strength", p.strength() == null ? 0.8 : p.strength());
            }
            case "object_stylize" -> {
                putIfPresent(params, "object", p.object());
                putIfPresent(params, "style", p.style());
            }
            case "object_remove" -> putIfPresent(params, "object", p.object());
            case "add_sign" -> {
                putIfPresent(params, "text", p.text());
                putIfPresent(params, "colour", p.colour());
            }
            case "add_sticker" -> {
                putIfPresent(params, "shape", p.shape());
                putIfPresent(params, "colour", p.colour());
            }
            default -> { }
        }
        return params;
    }

    private static void putIfPresent(Map<String, Object> params, String key, Object value) {
        if (value instanceof String s && !s.isBlank()) {
            params.put(key, s.strip());
        } else if (value instanceof Number) {
            params.put(key, value);
        }
    }

    /** The model answered, but not with something usable; counts as one failed attempt. */
    static final class MalformedOutputException extends RuntimeException {
        MalformedOutputException(String message) {
            super(message);
        }
    }
}
