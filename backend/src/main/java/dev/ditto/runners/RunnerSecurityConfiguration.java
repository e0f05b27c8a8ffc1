package dev.ditto.runners;

import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * The runner protocol's own security chain, ahead of the {@code /api/**} chain: bearer runner tokens only, no
 * sessions, no CSRF (runners are not browsers), errors as {@code ProtocolError} JSON. The OpenAPI document is public.
 */
@Configuration(proxyBeanMethods = false)
class RunnerSecurityConfiguration {

    @Bean
    @Order(5)
    SecurityFilterChain runnerChain(HttpSecurity http, RunnerTokens tokens, ObjectMapper json,
                                   ObjectProvider<SecurityContextHolderStrategy> strategyBean) throws Exception {
        // the same strategy HttpSecurity's own filters use: a bean when one exists (the dashboard's Vaadin
        // security registers one), else the global one
        SecurityContextHolderStrategy strategy = strategyBean.getIfAvailable(SecurityContextHolder::getContextHolderStrategy);
        return http.securityMatcher("/api/runner/**")
                .authorizeHttpRequests(a -> a
                        // the long-poll claim answers on an async dispatch of a request already authorised
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/api/runner/openapi.yaml").permitAll()
                        .anyRequest().hasRole("RUNNER"))
                .addFilterBefore(new RunnerTokenFilter(tokens, json, strategy), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> ProtocolErrors.write(response, json, 401,
                                "missing_token", "Send 'Authorization: Bearer <runner token>'. An admin creates runner "
                                        + "tokens with POST /api/admin/runners."))
                        .accessDeniedHandler((request, response, ex) -> ProtocolErrors.write(response, json, 403,
                                "forbidden", "Only runner tokens may use the runner protocol.")))
                .csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
