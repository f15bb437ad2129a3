# syntax=docker/dockerfile:1
# One recipe for both images; the target picks which process it runs. Build from the repository root:
#   docker build --target api  -t knowledge-base/api  .   the ASP.NET Core front (auth, validation, SSE), an Orleans client
#   docker build --target silo -t knowledge-base/silo .   the grains and the services they use, with a small HTTP port
# Both share the build stage and the runtime layout; BuildKit builds only the stages the chosen target needs.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the restore layer is reused until a package or project reference changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY grain-interfaces/KnowledgeBase.GrainInterfaces.csproj grain-interfaces/
COPY grains/KnowledgeBase.Grains.csproj grains/
COPY api/KnowledgeBase.Api.csproj api/
COPY silo/KnowledgeBase.Silo.csproj silo/
# ReadyToRun: the assemblies ship precompiled for the image's architecture, so a new pod starts on native code instead
# of compiling everything it runs. Restore must know it too. TARGETARCH comes from BuildKit (amd64 or arm64).
ARG TARGETARCH
RUN dotnet restore api/KnowledgeBase.Api.csproj -a $TARGETARCH -p:PublishReadyToRun=true \
 && dotnet restore silo/KnowledgeBase.Silo.csproj -a $TARGETARCH -p:PublishReadyToRun=true
COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
COPY api/ api/
COPY silo/ silo/

FROM build AS publish-api
RUN dotnet publish api/KnowledgeBase.Api.csproj -c Release -a $TARGETARCH --self-contained false -p:PublishReadyToRun=true -o /app --no-restore -p:UseAppHost=false

FROM build AS publish-silo
RUN dotnet publish silo/KnowledgeBase.Silo.csproj -c Release -a $TARGETARCH --self-contained false -p:PublishReadyToRun=true -o /app --no-restore -p:UseAppHost=false

# What both processes run on: the aspnet runtime, the working folders owned by the unprivileged `app` user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ENV DATA_DIR=/var/lib/knowledgebase/data \
    STORAGE_DIR=/var/lib/knowledgebase/storage \
    LOG_DIR=/var/log/knowledgebase
RUN mkdir -p /var/lib/knowledgebase/data /var/lib/knowledgebase/storage /var/log/knowledgebase \
 && chown -R $APP_UID:$APP_UID /var/lib/knowledgebase /var/log/knowledgebase
WORKDIR /app
# Per-container scratch space (local index replicas, query logs); shared state lives in the backing services.
VOLUME ["/var/lib/knowledgebase/data", "/var/lib/knowledgebase/storage", "/var/log/knowledgebase"]

FROM runtime AS api
# Listen on every interface (the code's default is localhost:8000, unreachable from outside a container).
# The base image's ASPNETCORE_HTTP_PORTS is cleared so ASPNETCORE_URLS alone decides.
ENV ASPNETCORE_URLS=http://+:8000 \
    ASPNETCORE_HTTP_PORTS= \
    ORLEANS_MODE=client
COPY --from=publish-api /app ./
USER $APP_UID
EXPOSE 8000
ENTRYPOINT ["dotnet", "KnowledgeBase.Api.dll"]

FROM runtime AS silo
# No ASPNETCORE_URLS: the silo binds 0.0.0.0:SILO_HTTP_PORT itself. The base image's ASPNETCORE_HTTP_PORTS (8080)
# is cleared so it does not compete with that.
ENV ASPNETCORE_HTTP_PORTS= \
    SILO_HTTP_PORT=8081 \
    SILO_PORT=11111 \
    GATEWAY_PORT=30000 \
    SHUTDOWN_TIMEOUT_SECONDS=45
COPY --from=publish-silo /app ./
USER $APP_UID
# health probes and metrics, silo-to-silo, client gateway
EXPOSE 8081 11111 30000
ENTRYPOINT ["dotnet", "KnowledgeBase.Silo.dll"]
