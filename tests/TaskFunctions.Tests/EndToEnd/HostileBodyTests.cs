using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// A hostile client against the self-host over HTTP: malformed, oversized and mistyped bodies on every route.
/// Every answer is JSON in FastAPI's shape with a 4xx status, and a refused create leaves no record, blob or orchestration.
/// </summary>
[Collection(SelfHostCollection.Name)]
public sealed class HostileBodyTests(SelfHostFixture fixture)
{
    // Every collection shares this Azurite; tests below the hosts stage their files in TaskBlobs.StagedInputsContainer,
    // so a new blob here can only come from this host.
    private const string BlobContainer = "detail-enhancements";

    private static readonly Dictionary<string, Task<string>> PutTargets = [];

    private static readonly Dictionary<string, HostileCase> Corpus = BuildCorpus().ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Where a case is sent.</summary>
    public enum Target
    {
        Create,
        CreateGeneration,
        Put,
        PutGeneration,
        Cancel,
        Cleanup,
        Delete,
        UnknownTaskCancel,
    }

    public static TheoryData<string> Cases => [.. Corpus.Keys];

    /// <summary>The configured body limit of the test self-host (Api__MaxBodyBytes).</summary>
    private int Limit => int.Parse(fixture.Host.Environment["Api__MaxBodyBytes"], CultureInfo.InvariantCulture);

    [Fact]
    public void Corpus_HasAtLeast150Cases()
    {
        Assert.True(Corpus.Count >= 150, $"{Corpus.Count} cases");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Send_HostileBody_Answers4xxInFastApiShape(string name)
    {
        var hostile = Corpus[name];
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var client = fixture.Client(tenant);
        var path = hostile.RawPath ?? await PathAsync(hostile.Target, client);
        var before = hostile.IsCreate ? await SnapshotAsync() : default;

        var (status, allowed, json) = await SendAsync(client, hostile.Method, path, hostile.Body(Limit), hostile.ContentType, hostile.Chunked);

        Assert.True(status == hostile.Status, $"{name}: {status} {json?.ToJsonString()}");
        AssertShape(name, status, json, hostile);
        if (hostile.Allow is { } allow)
        {
            Assert.Equal(allow.Split(", ").Order(StringComparer.Ordinal), allowed.Order(StringComparer.Ordinal));
        }

        if (hostile.IsCreate)
        {
            await AssertNothingCreatedAsync(client, before);
        }
    }

    [Fact]
    public async Task Create_BodyExactlyAtTheLimit_IsAcceptedWithAndWithoutContentLength()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = Padded(Encoding.UTF8.GetBytes(SampleBodies.For("GENERATION").ToJsonString()), Limit);

        foreach (var chunked in new[] { false, true })
        {
            var (status, _, json) = await SendAsync(client, HttpMethod.Post, ApiCalls.Tasks, body, "application/json", chunked);

            Assert.True(status == HttpStatusCode.OK, $"chunked={chunked}: {status} {json?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Create_ServerOwnedFields_AreIgnored()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("GENERATION");
        var forgedId = Guid.NewGuid().ToString("D");
        body["id"] = forgedId;
        body["status"] = "COMPLETED";
        body["created_at"] = "2001-01-01T00:00:00Z";
        body["completed_at"] = "2001-01-01T00:00:00Z";
        body["progress"] = 100;
        body["retry_count"] = 99;
        body["result_image_path"] = "generations/someone-else/result.png";
        body["fal_request_id"] = "forged";
        body["_internal"] = new JsonObject { ["tenant"] = "other", ["is_deleted"] = true };

        var created = await ApiCalls.CreateAsync(client, body);

        Assert.NotEqual(forgedId, created["id"]!.GetValue<string>());
        Assert.Equal("PENDING", created["status"]!.GetValue<string>());
        Assert.Null(created["completed_at"]);
        Assert.Null(created["result_image_path"]);
        Assert.Null(created["fal_request_id"]);
        Assert.Equal(0, created["retry_count"]!.GetValue<int>());
        Assert.NotEqual("2001", created["created_at"]!.GetValue<string>()[..4]);
        Assert.Null(created["_internal"]);
        var (status, _) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + created["id"]);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Create_FieldsAtTheirLimits_AreAccepted()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("GENERATION");
        body["origin_instance"] = new string('i', FieldLimits.Identifier);
        body["origin_zone"] = new string('z', FieldLimits.Identifier);
        body["origin_reference"] = new string('r', FieldLimits.Identifier);
        body["prompt"] = new string('p', FieldLimits.Text);
        body["seed"] = long.MaxValue;
        body["config"] = Nested(TaskRequestParser.MaxDepth - 2);

        var created = await ApiCalls.CreateAsync(client, body);
        var (status, fetched) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + created["id"]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(long.MaxValue, fetched!["seed"]!.GetValue<long>());
        Assert.Equal(FieldLimits.Identifier, fetched["origin_zone"]!.GetValue<string>().Length);
    }

    [Theory]
    [InlineData("ZZZ\r\n{}\r\n0\r\n\r\n")]
    [InlineData("-5\r\n{}\r\n0\r\n\r\n")]
    [InlineData("7fffffffffffffffffff\r\n{}\r\n0\r\n\r\n")]
    public async Task Create_MalformedChunkSize_Answers4xx(string chunks)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Host.Port);
        using var stream = tcp.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var head = "POST /api/v1/tasks/ HTTP/1.1\r\nHost: localhost\r\n"
            + $"Authorization: Bearer {TestAuth.Token("t-" + Guid.NewGuid().ToString("N"))}\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + chunks), timeout.Token);

        var response = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            await response.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
        }

        var text = Encoding.UTF8.GetString(response.ToArray());
        var statusCode = int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(statusCode is >= 400 and < 500, text);
    }

    private static IEnumerable<HostileCase> BuildCorpus()
    {
        var bodyRoutes = new[] { Target.Create, Target.CreateGeneration, Target.Put, Target.PutGeneration };

        // Invalid UTF-8, inside a value, a key and between tokens.
        var invalidUtf8 = new (string Name, byte[] Bytes)[]
        {
            ("0xff", [0xFF]), ("0xfe", [0xFE]), ("overlong-slash", [0xC0, 0xAF]), ("overlong-nul", [0xC0, 0x80]),
            ("overlong-3byte", [0xE0, 0x80, 0xAF]), ("5byte", [0xF8, 0x88, 0x80, 0x80, 0x80]),
            ("6byte", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80]), ("encoded-surrogate", [0xED, 0xA0, 0x80]),
            ("above-10ffff", [0xF4, 0x90, 0x80, 0x80]), ("lone-continuation", [0x80]), ("truncated", [0xE2, 0x82]),
        };
        foreach (var route in bodyRoutes)
        {
            foreach (var (name, bytes) in invalidUtf8)
            {
                yield return Invalid($"utf8-value-{name}-{route}", route, ValidFor(route, "\"origin_reference\":\"a" + Marker + "\""), bytes, "json_invalid");
            }

            yield return Invalid($"utf8-key-{route}", route, ValidFor(route, "\"a" + Marker + "\":1"), [0xFF], "json_invalid");
            yield return Invalid($"utf8-key-overlong-{route}", route, ValidFor(route, "\"a" + Marker + "\":1"), [0xC0, 0xAF], "json_invalid");
            yield return Invalid($"utf8-between-tokens-{route}", route, ValidFor(route, "\"origin_reference\":\"a\"" + Marker), [0xFF], "json_invalid");
        }

        // Lone surrogates, escaped.
        var surrogates = new (string Name, string Field, string Loc)[]
        {
            ("high", "\"origin_reference\":\"\\ud800\"", "origin_reference"),
            ("low", "\"origin_reference\":\"x\\udc00\"", "origin_reference"),
            ("reversed", "\"origin_reference\":\"\\udc00\\ud800\"", "origin_reference"),
            ("high-at-end", "\"origin_reference\":\"abc\\udbff\"", "origin_reference"),
            ("nested", "\"config\":{\"a\":[\"\\ud800\"]}", "config"),
            ("key", "\"\\ud800\":1", "[key]"),
            ("nested-key", "\"config\":{\"\\udfff\":1}", "config"),
        };
        foreach (var route in bodyRoutes)
        {
            foreach (var (name, field, loc) in surrogates)
            {
                yield return Json($"surrogate-{name}-{route}", route, ValidFor(route, field), 422, "string_unicode", loc);
            }
        }

        yield return Json("surrogate-prompt-Create", Target.Create, Generation("\"prompt\":\"\\ud800\""), 422, "string_unicode", "prompt");
        yield return Json("surrogate-task-type-Create", Target.Create, "{\"task_type\":\"\\ud800\",\"origin_instance\":\"x\"}", 422, "string_unicode", "task_type");

        // Body size relative to Api:MaxBodyBytes, with and without Content-Length.
        foreach (var route in bodyRoutes)
        {
            foreach (var chunked in new[] { false, true })
            {
                var mode = chunked ? "chunked" : "length";
                yield return new HostileCase($"over-limit-by-one-{mode}-{route}", route, limit => Padded(Encoding.UTF8.GetBytes(ValidFor(route, "\"priority\":1")), limit + 1), "application/json", chunked, 422, "too_long", null);
            }
        }

        yield return new HostileCase("over-limit-double-chunked-Create", Target.Create, limit => Padded(Encoding.UTF8.GetBytes(Generation("\"priority\":1")), 2 * limit), "application/json", true, 422, "too_long", null);
        yield return new HostileCase("over-limit-garbage-chunked-Create", Target.Create, limit => new byte[limit + 100_000], "application/json", true, 422, "too_long", null);
        yield return new HostileCase("over-limit-text-plain-Create", Target.Create, limit => new byte[limit + 1], "text/plain", false, 422, "too_long", null);

        // Oversized fields: 422 string_too_long at the field, never 503.
        var oversized = new (string Field, int Length)[]
        {
            ("origin_instance", FieldLimits.Identifier + 1), ("origin_instance", 3_000_000), ("origin_zone", FieldLimits.Identifier + 1),
            ("origin_zone", 3_000_000), ("origin_tenant_id", FieldLimits.Identifier + 1), ("origin_reference", 100_000),
            ("queue_name", FieldLimits.Identifier + 1), ("fal_app_id", FieldLimits.Identifier + 1), ("prompt", FieldLimits.Text + 1),
            ("prompt", 3_000_000), ("subject_model_path", FieldLimits.Url + 1),
        };
        foreach (var (field, length) in oversized)
        {
            yield return Json($"long-{field}-{length}-Create", Target.Create, Generation($"\"{field}\":\"{new string('a', length)}\""), 422, "string_too_long", field);
        }

        yield return Json("long-webhook-url-Create", Target.Create, Generation($"\"webhook_url\":\"https://example.com/{new string('a', FieldLimits.Url)}\""), 422, "string_too_long", "webhook_url");
        yield return Json("long-detail-label-Create", Target.Create, Detail($"\"detail_label\":\"{new string('a', FieldLimits.Identifier + 1)}\""), 422, "string_too_long", "detail_label");
        yield return Json("long-origin-instance-CreateGeneration", Target.CreateGeneration, Generation($"\"origin_instance\":\"{new string('a', 1_000_000)}\""), 422, "string_too_long", "origin_instance");
        foreach (var field in new[] { "origin_zone", "origin_instance", "origin_tenant_id", "executor_instance", "executor_type", "queue_name", "fal_request_id" })
        {
            yield return Json($"long-{field}-PutGeneration", Target.PutGeneration, $"{{\"{field}\":\"{new string('a', 1_000_000)}\"}}", 422, "string_too_long", field);
        }

        yield return Json("long-executor-instance-Put", Target.Put, $"{{\"executor_instance\":\"{new string('a', FieldLimits.Identifier + 1)}\"}}", 422, "string_too_long", "executor_instance");

        // Integers outside int64 (and ints outside int32), infinite floats.
        var numbers = new (string Field, string Value, string Type)[]
        {
            ("seed", "9223372036854775808", "less_than_equal"), ("seed", "-9223372036854775809", "greater_than_equal"),
            ("seed", "18446744073709551616", "less_than_equal"), ("seed", "1e19", "less_than_equal"), ("seed", "1e30", "less_than_equal"),
            ("seed", "1e400", "less_than_equal"), ("seed", "-1e400", "greater_than_equal"), ("seed", "1.5", "int_from_float"),
            ("seed", "\"1\"", "int_type"), ("priority", "2147483648", "less_than_equal"), ("priority", "-2147483649", "greater_than_equal"),
            ("width", "1e400", "less_than_equal"), ("reference_image_strength", "1e400", "finite_number"), ("subject_lora_weight", "-1e400", "finite_number"),
        };
        foreach (var (field, value, type) in numbers)
        {
            yield return Json($"number-{field}-{value}-Create", Target.Create, Generation($"\"{field}\":{value}"), 422, type, field);
        }

        yield return Json("number-seed-overflow-CreateGeneration", Target.CreateGeneration, Generation("\"seed\":9223372036854775808"), 422, "less_than_equal", "seed");
        yield return Json("number-priority-int64-Put", Target.Put, "{\"priority\":9223372036854775808}", 422, "less_than_equal", "priority");
        yield return Json("number-priority-int32-PutGeneration", Target.PutGeneration, "{\"priority\":2147483648}", 422, "less_than_equal", "priority");
        yield return Json("number-progress-inf-PutGeneration", Target.PutGeneration, "{\"progress\":1e400}", 422, "finite_number", "progress");
        yield return Json("number-retry-count-PutGeneration", Target.PutGeneration, "{\"retry_count\":1e30}", 422, "less_than_equal", "retry_count");

        // Content types FastAPI does not read as JSON: the body reaches validation as bytes.
        var contentTypes = new[]
        {
            "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
            "application/xml", "text/xml", "image/png", "application/octet-stream", "text/json", "text/html",
        };
        foreach (var route in bodyRoutes)
        {
            foreach (var type in contentTypes)
            {
                yield return new HostileCase($"content-type-{type}-{route}", route, _ => Encoding.UTF8.GetBytes(ValidFor(route, "\"priority\":1")), type, false, 422, "model_attributes_type", []);
            }

            yield return new HostileCase($"content-type-text-empty-{route}", route, _ => [], "text/plain", false, 422, "missing", []);
        }

        yield return new HostileCase("content-type-form-fields-Create", Target.Create, _ => "task_type=GENERATION&origin_instance=x&prompt=p"u8.ToArray(), "application/x-www-form-urlencoded", false, 422, "model_attributes_type", []);
        yield return new HostileCase("content-type-png-bytes-Create", Target.Create, _ => Convert.FromBase64String(TestImages.PngBase64(4, 4)), "image/png", false, 422, "model_attributes_type", []);

        // Depth bombs.
        foreach (var route in bodyRoutes)
        {
            yield return Json($"depth-array-100000-{route}", route, new string('[', 100_000) + new string(']', 100_000), 422, "json_invalid", null);
            yield return Json($"depth-config-33-{route}", route, ValidFor(route, "\"config\":" + Nested(TaskRequestParser.MaxDepth).ToJsonString()), 422, "json_invalid", null);
            yield return Json($"depth-unclosed-{route}", route, new string('{', 5000), 422, "json_invalid", null);
        }

        // Duplicate keys: the last one wins, as in Python's json.
        yield return Json("duplicate-task-type-Create", Target.Create, "{\"task_type\":\"GENERATION\",\"origin_instance\":\"x\",\"prompt\":\"p\",\"task_type\":\"PAINTING\"}", 422, "union_tag_invalid", Array.Empty<string>());
        yield return Json("duplicate-prompt-Create", Target.Create, Generation("\"prompt\":42"), 422, "string_type", "prompt");
        yield return Json("duplicate-origin-instance-Create", Target.Create, Generation("\"origin_instance\":null"), 422, "string_type", "origin_instance");
        yield return Json("duplicate-seed-Create", Target.Create, "{\"seed\":1,\"task_type\":\"GENERATION\",\"origin_instance\":\"x\",\"prompt\":\"p\",\"seed\":9223372036854775808}", 422, "less_than_equal", "seed");
        yield return Json("duplicate-priority-Put", Target.Put, "{\"priority\":1,\"priority\":\"x\"}", 422, "int_type", "priority");
        yield return Json("duplicate-status-PutGeneration", Target.PutGeneration, "{\"status\":\"PENDING\",\"status\":\"EXPLODED\"}", 422, "enum", "status");

        // Mass assignment through PUT: server-owned fields are not in the update schemas.
        foreach (var field in new[] { "id", "_internal", "tenant", "webhook_url", "result_image_path", "input_image_path", "deleted_at", "is_deleted" })
        {
            yield return Json($"mass-assign-{field}-Put", Target.Put, $"{{\"{field}\":\"x\"}}", 422, "extra_forbidden", field);
        }

        foreach (var field in new[] { "id", "_internal", "tenant", "webhook_url" })
        {
            yield return Json($"mass-assign-{field}-PutGeneration", Target.PutGeneration, $"{{\"{field}\":\"x\"}}", 422, "extra_forbidden", field);
        }

        // Not JSON objects, or not JSON at all.
        var garbage = new (string Name, string Body, string Type)[]
        {
            ("empty", "", "missing"), ("null", "null", "model_attributes_type"), ("array", "[]", "model_attributes_type"),
            ("string", "\"task\"", "model_attributes_type"), ("number", "123", "model_attributes_type"), ("open", "{", "json_invalid"),
            ("trailing", "{}}", "json_invalid"), ("nan", "{\"priority\":NaN}", "json_invalid"), ("single-quotes", "{'a':1}", "json_invalid"),
            ("comment", "{/* c */}", "json_invalid"), ("trailing-comma", "{\"priority\":1,}", "json_invalid"), ("nul-byte", "{\"a\":\"\0\"}", "json_invalid"),
        };
        foreach (var route in new[] { Target.Create, Target.Put })
        {
            foreach (var (name, body, type) in garbage)
            {
                yield return Json($"garbage-{name}-{route}", route, body, 422, type, null);
            }
        }

        // Routes that take no body ignore any; an unknown task is still a JSON 404.
        yield return new HostileCase("no-body-route-invalid-utf8-cancel", Target.UnknownTaskCancel, _ => [0xFF, 0xFE], "application/json", false, 404, null, null);
        yield return new HostileCase("no-body-route-over-limit-chunked-cancel", Target.UnknownTaskCancel, limit => new byte[limit + 1], "application/json", true, 404, null, null);
        yield return new HostileCase("no-body-route-text-cleanup", Target.Cleanup, _ => "{\"status\":\"COMPLETED\"}"u8.ToArray(), "text/plain", false, 200, null, null);
        yield return new HostileCase("no-body-route-garbage-cancel", Target.Cancel, _ => [0xC0, 0xAF], "image/png", false, 409, null, null);

        // Not routes: FastAPI's JSON 404/405, with Allow.
        yield return Route("route-unknown-path", HttpMethod.Get, "api/v1/nope", 404, null);
        yield return Route("route-unknown-version", HttpMethod.Get, "api/v2/tasks/", 404, null);
        yield return Route("route-root", HttpMethod.Get, "", 404, null);
        yield return Route("route-too-deep", HttpMethod.Get, "api/v1/tasks/" + Guid.Empty + "/cancel/now", 404, null);
        yield return Route("route-patch-task", HttpMethod.Patch, "api/v1/tasks/" + Guid.Empty, 405, "GET, PUT, DELETE");
        yield return Route("route-delete-collection", HttpMethod.Delete, "api/v1/tasks/", 405, "GET, POST");
        yield return Route("route-get-cancel", HttpMethod.Get, "api/v1/tasks/" + Guid.Empty + "/cancel", 405, "POST");
        yield return Route("route-put-cleanup", HttpMethod.Put, "api/v1/tasks/" + Guid.Empty + "/cleanup", 405, "POST");
        yield return Route("route-post-webhook", HttpMethod.Post, "api/v1/tasks/" + Guid.Empty + "/webhook", 405, "GET");
        yield return Route("route-post-health", HttpMethod.Post, "api/health", 405, "GET");
        yield return Route("route-delete-openapi", HttpMethod.Delete, "api/openapi.json", 405, "GET");
    }

    /// <summary>Where invalid bytes go in a template.</summary>
    private const string Marker = "\u0001MARK\u0001";

    private static HostileCase Invalid(string name, Target target, string template, byte[] bytes, string type)
    {
        var parts = template.Split(Marker);
        return new HostileCase(name, target, _ => [.. Encoding.UTF8.GetBytes(parts[0]), .. bytes, .. Encoding.UTF8.GetBytes(parts[1])], "application/json", false, 422, type, null);
    }

    private static HostileCase Json(string name, Target target, string body, int status, string? type, object? loc) =>
        new(name, target, _ => Encoding.UTF8.GetBytes(body), "application/json", false, status, type, loc switch
        {
            null => null,
            string field => [field],
            string[] path => path,
            _ => throw new ArgumentException("A field name or a path.", nameof(loc)),
        });

    private static HostileCase Route(string name, HttpMethod method, string path, int status, string? allow) =>
        new(name, Target.Create, _ => null, null, false, status, null, null) { Method = method, RawPath = path, Allow = allow };

    /// <summary>A valid body of the route's schema with <paramref name="extra"/> appended as the last member.</summary>
    private static string ValidFor(Target target, string extra) => target switch
    {
        Target.Create => Detail(extra),
        Target.CreateGeneration => Generation(extra),
        _ => "{\"priority\":2," + extra + "}",
    };

    private static string Generation(string extra) =>
        "{\"task_type\":\"GENERATION\",\"origin_instance\":\"hostile\",\"prompt\":\"p\"," + extra + "}";

    private static string Detail(string extra)
    {
        var body = SampleBodies.For("DETAIL_ENHANCER").ToJsonString();
        return body[..^1] + "," + extra + "}";
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 1; i < depth; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }

    /// <summary>A JSON body padded with trailing whitespace to exactly <paramref name="length"/> bytes.</summary>
    private static byte[] Padded(byte[] json, int length)
    {
        var padded = new byte[length];
        json.CopyTo(padded, 0);
        padded.AsSpan(json.Length).Fill((byte)' ');
        return padded;
    }

    private static void AssertShape(string name, HttpStatusCode status, JsonNode? json, HostileCase hostile)
    {
        Assert.True(json is JsonObject, $"{name}: body is not a JSON object");
        var detail = json!["detail"];
        if (status != HttpStatusCode.UnprocessableEntity)
        {
            if (status != HttpStatusCode.OK)
            {
                Assert.False(string.IsNullOrEmpty(detail!.GetValue<string>()), name);
            }

            if ((int)status is 404 or 405 && hostile.RawPath is not null)
            {
                Assert.Equal((int)status == 404 ? "Not Found" : "Method Not Allowed", detail!.GetValue<string>());
            }

            return;
        }

        var errors = detail!.AsArray();
        Assert.NotEmpty(errors);
        foreach (var error in errors)
        {
            Assert.Equal(["loc", "msg", "type"], error!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal("body", error["loc"]![0]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(error["msg"]!.GetValue<string>()));
        }

        if (hostile.Type is { } type)
        {
            Assert.True(errors.Any(e => e!["type"]!.GetValue<string>() == type), $"{name}: no {type} in {json.ToJsonString()}");
        }

        if (hostile.Loc is { } loc)
        {
            var expected = string.Join('.', ["body", .. loc]);
            Assert.True(
                errors.Any(e => string.Join('.', e!["loc"]!.AsArray().Select(p => p!.ToString())).StartsWith(expected, StringComparison.Ordinal)),
                $"{name}: no error at {expected} in {json.ToJsonString()}");
        }
    }

    private async Task<string> PathAsync(Target target, HttpClient client) => target switch
    {
        Target.Create => ApiCalls.Tasks,
        Target.CreateGeneration => ApiCalls.Tasks + "generation",
        Target.Put => ApiCalls.Tasks + await PutTargetAsync("DETAIL_ENHANCER"),
        Target.PutGeneration => ApiCalls.Tasks + "generation/" + await PutTargetAsync("GENERATION"),
        Target.Cancel => ApiCalls.Tasks + await CompletedTaskAsync(client) + "/cancel",
        Target.Cleanup => ApiCalls.Tasks + await CompletedTaskAsync(client) + "/cleanup",
        Target.UnknownTaskCancel => ApiCalls.Tasks + Guid.NewGuid() + "/cancel",
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    /// <summary>One task per kind and self-host that every PUT case targets (admin-created, so any client... of its tenant).</summary>
    private Task<string> PutTargetAsync(string kind)
    {
        var key = fixture.Host.BaseAddress + kind;
        lock (PutTargets)
        {
            if (!PutTargets.TryGetValue(key, out var id))
            {
                id = CreatePutTargetAsync(kind);
                PutTargets[key] = id;
            }

            return id;
        }
    }

    private async Task<string> CreatePutTargetAsync(string kind)
    {
        using var admin = fixture.Client(null, admin: true);
        var created = await ApiCalls.CreateAsync(admin, SampleBodies.For(kind));
        return created["id"]!.GetValue<string>();
    }

    private static async Task<string> CompletedTaskAsync(HttpClient client)
    {
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("GENERATION"));
        var id = created["id"]!.GetValue<string>();
        await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);
        return id;
    }

    private async Task<(HttpStatusCode Status, IReadOnlyList<string> Allow, JsonNode? Json)> SendAsync(
        HttpClient client, HttpMethod method, string path, byte[]? body, string? contentType, bool chunked)
    {
        // PUT targets belong to the admin; hostile PUTs go out as admin too so they reach the parser.
        using var admin = fixture.Client(null, admin: true);
        var sender = path.Contains("/tasks/", StringComparison.Ordinal) && method == HttpMethod.Put ? admin : client;
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = chunked ? new UnknownLengthContent(body) : new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            request.Headers.TransferEncodingChunked = chunked;
        }

        using var response = await sender.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length > 0)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, [.. response.Content.Headers.Allow], text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<(int Records, int Instances, HashSet<string> Blobs)> SnapshotAsync()
    {
        var tables = new TableServiceClient(fixture.StorageConnectionString);
        var records = 0;
        await foreach (var _ in tables.GetTableClient(fixture.Host.Environment["Storage__TasksTable"]).QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            records++;
        }

        var instances = 0;
        await foreach (var _ in tables.GetTableClient(fixture.Host.Environment["TASKHUB_NAME"] + "Instances").QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            instances++;
        }

        var blobs = new HashSet<string>(StringComparer.Ordinal);
        var container = new BlobServiceClient(fixture.StorageConnectionString).GetBlobContainerClient(BlobContainer);
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
            {
                blobs.Add(blob.Name);
            }
        }

        return (records, instances, blobs);
    }

    private async Task AssertNothingCreatedAsync(HttpClient client, (int Records, int Instances, HashSet<string> Blobs) before)
    {
        var (status, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(list!.AsArray());
        var after = await SnapshotAsync();
        Assert.Equal(before.Records, after.Records);
        Assert.Equal(before.Instances, after.Instances);

        // New blobs of tasks that exist (a running PUT target writing its result) are not leftovers.
        using var admin = fixture.Client(null, admin: true);
        foreach (var blob in after.Blobs.Except(before.Blobs))
        {
            var (owner, _) = await ApiCalls.GetAsync(admin, ApiCalls.Tasks + blob.Split('/')[0]);
            Assert.True(owner == HttpStatusCode.OK, $"blob {blob} belongs to no task");
        }
    }

    /// <summary>One corpus entry: what is sent where, and the answer expected (422 type and loc below "body" when given).</summary>
    public sealed record HostileCase(string Name, Target Target, Func<int, byte[]?> Body, string? ContentType, bool Chunked, int StatusCode, string? Type, string[]? Loc)
    {
        public HttpMethod Method { get; init; } = Target is Target.Put or Target.PutGeneration ? HttpMethod.Put : Target is Target.Delete ? HttpMethod.Delete : HttpMethod.Post;

        public string? RawPath { get; init; }

        public string? Allow { get; init; }

        public HttpStatusCode Status => (HttpStatusCode)StatusCode;

        public bool IsCreate => RawPath is null && Target is Target.Create or Target.CreateGeneration;
    }

    /// <summary>Content without a known length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
