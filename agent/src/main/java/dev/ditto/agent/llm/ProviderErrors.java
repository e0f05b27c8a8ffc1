package dev.ditto.agent.llm;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;

/**
 * A failed model call said in words that are safe to store and show to every user. A model server's error carries
 * its raw answer (which may echo the request, name the account or show part of a key); that goes to the log only,
 * and what is stored with a campaign or a caption says just what kind of failure it was and the HTTP status.
 */
public final class ProviderErrors {
    private static final int MAX_OWN_MESSAGE = 200;

    private ProviderErrors() {}

    /** What went wrong, without a model server's answer body. */
    public static String describe(Throwable failure) {
        LangChain4jException provider = null;
        Integer status = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof HttpException http && status == null) {
                status = http.statusCode();
            }
            if (t instanceof LangChain4jException l && provider == null) {
                provider = l;
            }
        }
        if (provider == null) {
            String message = failure.getMessage();
            String first = message == null ? "" : message.lines().findFirst().orElse("");
            return failure.getClass().getSimpleName() + (first.isEmpty() ? ""
                    : ": " + (first.length() > MAX_OWN_MESSAGE ? first.substring(0, MAX_OWN_MESSAGE) + "…" : first));
        }
        String kind = switch (provider) {
            case AuthenticationException a -> "the model server refused the credentials";
            case RateLimitException r -> "the model server is rate-limiting";
            case TimeoutException t -> "the model server did not answer in time";
            case ModelNotFoundException m -> "the model server does not know the model";
            case InternalServerException i -> "the model server failed";
            case ContentFilteredException c -> "the model server filtered the content";
            case InvalidRequestException i -> "the model server refused the request";
            default -> "the model server call failed";
        };
        return kind + (status == null ? "" : " (HTTP " + status + ")") + "; its answer is in the server log";
    }
}
