// Type-checked by tests/test_client_types.py against a client generated from the API's
// OpenAPI document: `api.d.ts` (openapi-typescript) sits next to this file when it runs.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Problem = components["schemas"]["Problem"];

// JSON bodies and problem+json errors (lists can also answer text/csv or NDJSON).
type Json = "application/json" | "application/problem+json";
const client = createClient<paths, Json>({ baseUrl: "http://127.0.0.1:8000" });

// The card's question: worker-count estimates for China, 2019–2024.
export async function chinaWorkers(): Promise<string> {
  const { data, error } = await client.GET("/v1/estimates", {
    params: {
      query: { metric: ["workers_abroad"], country: ["CN"], period_from: "2019", period_to: "2024" },
    },
  });
  if (error) {
    const problem: Problem = error;
    return `${problem.status} ${problem.title}: bad parameter ${problem.parameter ?? "?"}`;
  }
  const first = data.data[0];
  const low: number | null = first ? first.value.low : null;
  const next: string | null = data.meta.next_cursor;
  return `at least ${low ?? "?"} workers; next page: ${next ?? "none"}`;
}

// One estimate, and where it was said, word for word.
export async function firstQuote(estimateId: string): Promise<string | undefined> {
  const { data, error } = await client.GET("/v1/estimates/{estimate_id}", {
    params: { path: { estimate_id: estimateId } },
  });
  if (error) {
    const parameter: string | null | undefined = error.parameter;
    return parameter ?? error.detail;
  }
  const citation = data.citations[0];
  return citation ? `"${citation.quote}" (${citation.document.title})` : undefined;
}
