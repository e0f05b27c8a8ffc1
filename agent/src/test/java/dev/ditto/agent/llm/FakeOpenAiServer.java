package dev.ditto.agent.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local server speaking OpenAI's chat-completions wire format ({@code POST /v1/chat/completions}): it records
 * every request and answers from a script of replies (content, tool calls, or a stall past the client's timeout).
 */
public final class FakeOpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted reply. */
    public sealed interface Reply permits Content, ToolCall, Stall {}

    /** An assistant message with text content and {@code finish_reason: stop}. */
    public record Content(String text) implements Reply {}

    /** An assistant message calling one tool, {@code finish_reason: tool_calls}. */
    public record ToolCall(String id, String name, String argumentsJson) implements Reply {}

    /** Sleeps before answering, to trip the client's timeout. */
    public record Stall(long millis, String text) implements Reply {}

    private final HttpServer server;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Base URL for {@code OpenAiChatModel.baseUrl}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Queues replies in order. */
    public synchronized FakeOpenAiServer reply(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Request bodies received so far, parsed. */
    public List<JsonNode> requests() {
        return new ArrayList<>(requests);
    }

    /** Authorization headers received so far. */
    public List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, "{\"error\":{\"message\":\"method not allowed\"}}");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(body);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Reply reply;
            synchronized (this) {
                reply = script.poll();
            }
            if (reply == null) {
                send(exchange, 500, "{\"error\":{\"message\":\"script exhausted\",\"type\":\"server_error\"}}");
                return;
            }
            if (reply instanceof Stall stall) {
                try {
                    Thread.sleep(stall.millis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply = new Content(stall.text());
            }
            send(exchange, 200, JSON.writeValueAsString(completion(body.path("model").asText("test-model"), reply)));
        } catch (IOException e) {
            // the client gave up (timeout) while we stalled; nothing to answer
        }
    }

    private static ObjectNode completion(String model, Reply reply) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-" + System.nanoTime());
        root.put("object", "chat.completion");
        root.put("created", 1_764_000_000L);
        root.put("model", model);
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply instanceof ToolCall call) {
            message.putNull("content");
            ObjectNode toolCall = message.putArray("tool_calls").addObject();
            toolCall.put("id", call.id());
            toolCall.put("type", "function");
            toolCall.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
            choice.put("finish_reason", "tool_calls");
        } else {
            message.put("content", ((Content) reply).text());
            message.putNull("refusal");
            choice.put("finish_reason", "stop");
        }
        choice.putNull("logprobs");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 100).put("completion_tokens", 20).put("total_tokens", 120);
        return root;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
