import AgentModel
import AgentProtocol
import Testing
import TestSupport

@testable import AgentACP

@Suite("ACP wire golden JSON")
struct ACPWireGoldenTests {
    @Test func cancelRequestNamesTheRequest() throws {
        try checkCoding(
            JSONRPCNotification(method: CancelRequest.name, params: CancelRequest.Params(requestId: 7)),
            json: #"{"jsonrpc":"2.0","method":"$/cancel_request","params":{"requestId":7}}"#)
    }

    @Test func agentMessageChunkIsATextContentBlock() throws {
        try checkCoding(
            SessionUpdateNotification.Params(sessionId: "run_1", update: .agentMessageChunk(.text("Hel"))),
            json: #"{"sessionId":"run_1","update":{"content":{"text":"Hel","type":"text"},"sessionUpdate":"agent_message_chunk"}}"#
        )
    }

    @Test func toolCallCarriesKindTitleLocationsAndRawInput() throws {
        try checkCoding(
            SessionUpdate.toolCall(
                ToolCallFields(
                    toolCallId: "c1", title: "Read a.txt", kind: .read, status: .pending,
                    locations: [ToolCallLocation(path: "/w/a.txt")], rawInput: ["path": "a.txt"])),
            json: #"{"kind":"read","locations":[{"path":"/w/a.txt"}],"rawInput":{"path":"a.txt"},"sessionUpdate":"tool_call","status":"pending","title":"Read a.txt","toolCallId":"c1"}"#
        )
    }

    @Test func toolCallUpdateWithOutputAndDiff() throws {
        try checkCoding(
            SessionUpdate.toolCallUpdate(
                ToolCallFields(
                    toolCallId: "c2", status: .completed,
                    content: [.content(.text("M a.txt\n")), .diff(path: "/w/a.txt", oldText: "x\n", newText: "y\n")],
                    rawOutput: "M a.txt\n")),
            json: #"{"content":[{"content":{"text":"M a.txt\n","type":"text"},"type":"content"},{"newText":"y\n","oldText":"x\n","path":"/w/a.txt","type":"diff"}],"rawOutput":"M a.txt\n","sessionUpdate":"tool_call_update","status":"completed","toolCallId":"c2"}"#
        )
    }

    @Test func usageUpdate() throws {
        try checkCoding(
            SessionUpdate.usageUpdate(used: 1200, size: 400_000),
            json: #"{"sessionUpdate":"usage_update","size":400000,"used":1200}"#)
    }

    @Test func permissionRequestOffersTheFourKinds() throws {
        try checkCoding(
            RequestPermission.Params(
                sessionId: "run_1", toolCall: ToolCallFields(toolCallId: "c1", title: "rm x", kind: .execute),
                options: PermissionOption.standard(tool: "shell")),
            json: #"{"options":[{"kind":"allow_once","name":"Allow once","optionId":"allow_once"},"#
                + #"{"kind":"allow_always","name":"Always allow shell in this session","optionId":"allow_always"},"#
                + #"{"kind":"reject_once","name":"Reject","optionId":"reject_once"},"#
                + #"{"kind":"reject_always","name":"Always reject shell in this session","optionId":"reject_always"}],"#
                + #""sessionId":"run_1","toolCall":{"kind":"execute","title":"rm x","toolCallId":"c1"}}"#)
    }

    @Test func promptResultWithUsage() throws {
        try checkCoding(
            SessionPrompt.Result(stopReason: .cancelled, usage: TurnUsage(inputTokens: 3, outputTokens: 4)),
            json: #"{"stopReason":"cancelled","usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7}}"#)
    }

    @Test func promptParamsReadTextLinksAndEmbeddedResources() throws {
        let json =
            #"{"sessionId":"run_1","prompt":[{"type":"text","text":"fix"},"#
            + #"{"type":"resource_link","uri":"file:///w/a.c","name":"a.c"},"#
            + #"{"type":"resource","resource":{"uri":"file:///w/b.c","text":"int b;","mimeType":"text/x-c"}}]}"#
        let params = try JSONCoding.decode(SessionPrompt.Params.self, from: json)
        #expect(
            params.prompt == [
                .text("fix"), .resourceLink(uri: "file:///w/a.c", name: "a.c"),
                .resource(uri: "file:///w/b.c", text: "int b;", mimeType: "text/x-c"),
            ])
        #expect(
            try PromptText.make(params.prompt)
                == "fix\n[a.c](file:///w/a.c)\n<context uri=\"file:///w/b.c\">\nint b;\n</context>")
    }

    @Test func anImageInAPromptIsRefusedNamingTheBlock() throws {
        let params = try JSONCoding.decode(
            SessionPrompt.Params.self,
            from: #"{"sessionId":"s","prompt":[{"type":"text","text":"x"},{"type":"image","data":"","mimeType":"image/png"}]}"#)
        do {
            _ = try PromptText.make(params.prompt)
            Issue.record("an image prompt was accepted")
        } catch {
            #expect(error.code == .invalidParams)
            #expect(error.data?["field"] == "prompt[1].type")
        }
    }
}
