package dev.ditto.agent.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What is stored and shown of a failed model call never carries the model server's answer. */
class ProviderErrorsTest {
    private static final String BODY = "{\"error\":{\"message\":\"Incorrect API key provided: sk-live-1234abcd. Account acme-corp\"}}";

    @Test
    void aProviderErrorIsNamedByKindAndStatusWithoutItsBody() {
        String auth = ProviderErrors.describe(new AuthenticationException(BODY, new HttpException(401, BODY)));
        String server = ProviderErrors.describe(new RuntimeException("wrapped", new InternalServerException(new HttpException(500, BODY))));

        assertThat(auth).contains("refused the credentials").contains("HTTP 401").doesNotContain("sk-live").doesNotContain("acme");
        assertThat(server).contains("failed").contains("HTTP 500").doesNotContain("sk-live");
        assertThat(ProviderErrors.describe(new HttpException(429, BODY))).contains("HTTP 429").doesNotContain("sk-live");
    }

    @Test
    void ourOwnFailuresKeepTheirFirstLineClipped() {
        assertThat(ProviderErrors.describe(new IOException("connection reset\nsecond line")))
                .isEqualTo("IOException: connection reset");
        assertThat(ProviderErrors.describe(new IllegalStateException("x".repeat(500)))).hasSizeLessThan(240);
    }
}
