"""The data behind every chart and table of the app, and the Plotly figures drawn from it: one
module per page (overview, figures, region, flows, quality, as in `streamlit_app/views/`) and
`common` for what they share.

Every function is pure (DataFrames in, DataFrame or figure out) so the tests can assert on the
exact rows behind a chart without a browser. Pages call `*_data` first, then the matching
`*_figure`, and offer the `*_data` frame as the downloadable table.
"""
