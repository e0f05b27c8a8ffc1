package dev.ditto.ui.shared;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Lets the browser load the plotting library from {@code /webjars/**} (public, static, versioned open-source files);
 * the dashboard's own chain denies paths it does not know.
 */
@Configuration(proxyBeanMethods = false)
class WebjarSecurityConfiguration {
    @Bean
    @Order(40)
    SecurityFilterChain webjarChain(HttpSecurity http) throws Exception {
        return http.securityMatcher("/webjars/**")
                .authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.GET, "/webjars/**").permitAll().anyRequest().denyAll())
                .csrf(c -> c.disable())
                .requestCache(r -> r.disable())
                .build();
    }
}
