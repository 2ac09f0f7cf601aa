"""HTML pages for readers (issue 17): server-rendered with Jinja2, readable without
JavaScript, no asset from elsewhere, and none of it in the OpenAPI document."""
