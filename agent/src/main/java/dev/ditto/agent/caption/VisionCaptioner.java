package dev.ditto.agent.caption;

import dev.ditto.agent.llm.ChatModels;
import dev.ditto.agent.llm.ModelEndpoint;
import dev.ditto.agent.llm.RetryPolicy;
import dev.ditto.agent.llm.UntrustedText;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The vision captioner: sends up to {@link #MAX_FRAMES} key frames taken across the video (as image parts, in time
 * order) and the probe's measurements (as an untrusted data block) to any LangChain4j chat model that accepts images
 * (OpenAI-compatible, e.g. Qwen2.5-VL on vLLM; Anthropic; Gemini), and keeps the answer only if {@link CaptionCheck}
 * accepts it. Transport failures and timeouts are retried within the {@link RetryPolicy}; an answer that is refused
 * is not retried (a {@link CaptionRefusedException} says why).
 */
public final class VisionCaptioner implements Captioner {

    /** Prompt version recorded with every caption. */
    public static final String PROMPT_VERSION = "vision-caption-2026.1";
    /** Most frames sent in one request. */
    public static final int MAX_FRAMES = 8;

    static final String SYSTEM = """
            You write dense captions of videos for an instruction-based video-editing dataset (like Ditto-1M).
            You get key frames taken across one video, in time order, and measurements a probe made of it.
            Describe the whole video in one paragraph of 3 to 6 plain English sentences (40 to 200 words):
            the main subjects (how many people, their appearance, clothing and actions), notable objects,
            the setting and background, lighting, colours and time of day, and how the camera or subjects move.
            Mention on-screen text only as "on-screen text", never transcribe it. Write no lists, headings,
            markdown, quotes or JSON, and address no one: answer only with the caption.
            """;

    private final ChatModel model;
    private final String engine;
    private final String modelName;
    private final RetryPolicy retry;

    /** A captioner over any chat model that accepts images; {@code engine} and {@code modelName} label its captions. */
    public VisionCaptioner(ChatModel model, String engine, String modelName, RetryPolicy retry) {
        this.model = model;
        this.engine = engine;
        this.modelName = modelName;
        this.retry = retry;
    }

    /** A captioner for a configured vision endpoint. */
    public static VisionCaptioner forEndpoint(ModelEndpoint endpoint, RetryPolicy retry) {
        return new VisionCaptioner(ChatModels.create(endpoint), ChatModels.engineLabel(endpoint), endpoint.model(), retry);
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public boolean needsKeyFrames() {
        return true;
    }

    @Override
    public Caption caption(CaptionInput input) {
        if (input.keyFrames().isEmpty()) {
            throw new CaptionRefusedException(input.sourceId(), "the source has no key frame to look at");
        }
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM + "\n" + UntrustedText.rules()), UserMessage.from(contents(input)))
                .build();
        String answer = retry.run(input.sourceId(), "captioning", attempt -> {
            ChatResponse response = model.chat(request);
            return response == null || response.aiMessage() == null ? null : response.aiMessage().text();
        });
        CaptionCheck.Result checked = CaptionCheck.check(answer);
        if (!checked.accepted()) {
            throw new CaptionRefusedException(input.sourceId(), String.valueOf(checked.refusal()));
        }
        return new Caption(String.valueOf(checked.caption()), engine, modelName, PROMPT_VERSION);
    }

    private static List<Content> contents(CaptionInput input) {
        List<byte[]> frames = spread(input.keyFrames(), MAX_FRAMES);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("duration_seconds", input.durationSeconds() == null ? "unknown" : input.durationSeconds());
        data.put("clips", input.clips());
        data.put("measurements", new TreeMap<>(input.scores()));
        data.put("tags", input.tags().stream().limit(40).map(t -> UntrustedText.neutralise(t).text()).toList());
        List<Content> contents = new ArrayList<>();
        contents.add(TextContent.from("Caption this video. Probe measurements (people: fraction of frames with a person;"
                + " faces: most faces in a frame; motion: mean optical flow in px/frame; text_overlay: fraction of the"
                + " frame covered by text):\n" + UntrustedText.dataBlock("probe", data)));
        Base64.Encoder base64 = Base64.getEncoder();
        for (int i = 0; i < frames.size(); i++) {
            contents.add(TextContent.from("Frame " + (i + 1) + " of " + frames.size() + "."));
            contents.add(ImageContent.from(base64.encodeToString(frames.get(i)), "image/jpeg"));
        }
        return contents;
    }

    /** At most {@code max} items, evenly spread, first and last kept. */
    static <T> List<T> spread(List<T> items, int max) {
        if (items.size() <= max) {
            return items;
        }
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
        }
        return out;
    }
}
