package dev.ditto.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The title, description and sign-in schemes of the OpenAPI document springdoc generates from the controllers
 * (served at {@code /api/openapi} and {@code /api/openapi.yaml}; the paths and schemas come from the code).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

    @Bean
    OpenAPI dittoOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Ditto REST API").version("1").description("""
                        Every endpoint of the Ditto server, generated from its controllers. Scripts sign in with a \
                        personal API token (Authorization: Bearer dtu_...) or HTTP Basic; runners use runner tokens on \
                        /api/runner/** (also described by hand, with the protocol's rules, at /api/runner/openapi.yaml). \
                        Every 4xx is an RFC 9457 problem detail (application/problem+json) saying what to fix."""))
                .components(new Components()
                        .addSecuritySchemes("apiToken", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("a personal API token (dtu_...) or, on /api/runner/**, a runner token"))
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
                .addSecurityItem(new SecurityRequirement().addList("apiToken"))
                .addSecurityItem(new SecurityRequirement().addList("basic"));
    }
}
