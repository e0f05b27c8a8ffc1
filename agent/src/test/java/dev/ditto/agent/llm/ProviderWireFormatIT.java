package dev.ditto.agent.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic and Gemini providers as {@link ChatModels} configures them, against a local server answering in each
 * vendor's own wire format (Anthropic Messages, Gemini generateContent): what goes over the wire, and tool calls back.
 */
class ProviderWireFormatIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolSpecification SOURCE_FACTS = ToolSpecification.builder()
            .name("sourceFacts")
            .description("Caption and detector tags of a source")
            .parameters(JsonObjectSchema.builder().addStringProperty("sourceId").required("sourceId").build())
            .build();

    private record Received(String path, Map<String, List<String>> headers, JsonNode body) {}

    private HttpServer server;
    private final Deque<String> replies = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                        JSON.readTree(exchange.getRequestBody().readAllBytes())));
                String reply;
                synchronized (replies) {
                    reply = replies.poll();
                }
                byte[] bytes = (reply == null ? "{\"error\":\"script exhausted\"}" : reply).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply == null ? 500 : 200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static ChatRequest askWithTool() {
        return ChatRequest.builder()
                .messages(SystemMessage.from("You write video-editing instructions."), UserMessage.from("Write one for source 42."))
                .toolSpecifications(SOURCE_FACTS)
                .build();
    }

    @Test
    void anthropicSendsMessagesWithTopLevelSystemAndToolSchemasAndReadsToolUse() {
        replies.add("""
                {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-test",
                 "content": [{"type": "tool_use", "id": "toolu_01", "name": "sourceFacts", "input": {"sourceId": "42"}}],
                 "stop_reason": "tool_use", "stop_sequence": null, "usage": {"input_tokens": 50, "output_tokens": 12}}""");
        ChatModel model = ChatModels.create(new ModelEndpoint("anthropic", base("/v1/"), "sk-ant-test", "claude-test",
                Duration.ofSeconds(10)));

        ChatResponse response = model.chat(askWithTool());

        ToolExecutionRequest call = response.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.id()).isEqualTo("toolu_01");
        assertThat(call.name()).isEqualTo("sourceFacts");
        assertThat(call.arguments()).contains("\"sourceId\"").contains("42");
        Received request = received.getFirst();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(header(request, "x-api-key")).isEqualTo("sk-ant-test");
        assertThat(header(request, "anthropic-version")).isNotBlank();
        JsonNode body = request.body();
        assertThat(body.path("model").asText()).isEqualTo("claude-test");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(body.path("system").toString()).contains("You write video-editing instructions.");
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").toString()).contains("Write one for source 42.").doesNotContain("You write video");
        assertThat(body.path("tools").get(0).path("name").asText()).isEqualTo("sourceFacts");
        assertThat(body.path("tools").get(0).path("input_schema").path("properties").has("sourceId")).isTrue();
    }

    @Test
    void geminiSendsGenerateContentWithSystemInstructionAndFunctionDeclarationsAndReadsFunctionCalls() {
        replies.add("""
                {"candidates": [{"content": {"role": "model",
                                             "parts": [{"functionCall": {"name": "sourceFacts", "args": {"sourceId": "42"}}}]},
                                 "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 12, "totalTokenCount": 62},
                 "modelVersion": "gemini-test"}""");
        ChatModel model = ChatModels.create(new ModelEndpoint("gemini", base("/v1beta"), "gm-test", "gemini-test",
                Duration.ofSeconds(10)));

        ChatResponse response = model.chat(askWithTool());

        ToolExecutionRequest call = response.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.name()).isEqualTo("sourceFacts");
        assertThat(call.arguments()).contains("\"sourceId\"").contains("42");
        Received request = received.getFirst();
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-test:generateContent");
        assertThat(header(request, "x-goog-api-key")).isEqualTo("gm-test");
        JsonNode body = request.body();
        assertThat(body.path("systemInstruction").toString()).contains("You write video-editing instructions.");
        assertThat(body.path("contents").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("contents").toString()).contains("Write one for source 42.");
        JsonNode declaration = body.path("tools").get(0).path("functionDeclarations").get(0);
        assertThat(declaration.path("name").asText()).isEqualTo("sourceFacts");
        assertThat(declaration.path("parameters").path("properties").has("sourceId")).isTrue();
    }

    private static String header(Received request, String name) {
        return request.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst()).findFirst().orElse("");
    }
}
