package dev.ditto.search;

import dev.ditto.agent.diversity.Embedder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Search's configuration properties and its default text embedder: the server's one batched MiniLM ({@link Embedder},
 * the model the instruction writer stores its embeddings with), so the indexer embeds 32 texts per ONNX call, repeated
 * query texts come from its cache, and the server holds one copy of the model. Without that bean (a context of search
 * alone), LangChain4j's per-text MiniLM.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchProperties.class)
public class SearchConfiguration {

    @Bean
    @ConditionalOnMissingBean(TextEmbedder.class)
    TextEmbedder textEmbedder(ObjectProvider<Embedder> embedder) {
        Embedder shared = embedder.getIfAvailable();
        return shared == null ? new MiniLmTextEmbedder() : shared::embedAll;
    }
}
