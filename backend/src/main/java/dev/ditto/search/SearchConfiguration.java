package dev.ditto.search;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Search's configuration properties and its default text embedder (in-process MiniLM). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchProperties.class)
public class SearchConfiguration {

    @Bean
    @ConditionalOnMissingBean(TextEmbedder.class)
    TextEmbedder textEmbedder() {
        return new MiniLmTextEmbedder();
    }
}
