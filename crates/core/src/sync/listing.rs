//! The paginated collections a sync reads, and the state of reading one: which pages were asked
//! for, which arrived ahead of their turn, and what the pages said about the listing's size.

use std::collections::BTreeMap;

/// One paginated collection of the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Listing {
    /// Path segment under `/organizations/:org/`.
    pub path: &'static str,
    /// `include=` value.
    pub include: Option<&'static str>,
    /// A 404 means "not entitled to this feature" (TFE answers 404 for that), not failure.
    pub optional: bool,
    /// Limited to 30 requests per minute (the run lists), not per second.
    pub per_minute: bool,
}

/// What a full sync reads, in order: projects and modules first, so that workspaces can be linked
/// to them; workspaces with their current runs included (no per-workspace run calls).
pub(super) const LISTINGS: [Listing; 3] = [
    Listing { path: "projects", include: None, optional: false, per_minute: false },
    Listing { path: "registry-modules", include: None, optional: true, per_minute: false },
    Listing {
        path: "workspaces",
        include: Some("current_run,current_run.configuration_version.ingress_attributes,locked_by,outputs"),
        optional: false,
        per_minute: false,
    },
];

/// What an incremental refresh reads: the organization's runs, newest first. This list has no
/// totals (`next-page` only) and its own limit of 30 requests per minute.
pub(super) const REFRESH_LISTINGS: [Listing; 1] =
    [Listing { path: "runs", include: None, optional: false, per_minute: true }];

/// Reading one listing. Pages are folded in strictly in order (every page of a listing before the
/// next listing, page `n` before page `n + 1`), whatever order their answers arrive in, so that a listing shifting while it is paged is seen
/// exactly as when reading one page at a time. Once the first page has said how many objects
/// there are, the later pages may be asked for before the earlier ones are answered ("read
/// ahead"), and the first page of each listing still to come may be asked for meanwhile; a page that then says the listing ends sooner, or goes on differently, drops the
/// pages asked ahead.
#[derive(Debug)]
pub(super) struct ListingRead {
    /// The next page to fold in.
    pub next_to_fold: u64,
    /// The highest page asked for so far.
    pub highest_asked: u64,
    /// The last page, as the first page's `total-count` gives it, when pages may be read ahead.
    pub last_page: Option<u64>,
    /// Pages answered ahead of their turn: their URL, attempt and body.
    pub early: BTreeMap<u64, (String, u32, String)>,
    /// Ids read so far.
    pub ids: Vec<String>,
    /// The first page's `total-count`, once read.
    pub first_total: Option<Option<u64>>,
    /// An optional listing answered 404: the organization is not entitled to it.
    pub not_entitled: bool,
}

impl ListingRead {
    /// Nothing asked for yet.
    pub fn new() -> Self {
        ListingRead {
            next_to_fold: 1,
            highest_asked: 0,
            last_page: None,
            early: BTreeMap::new(),
            ids: Vec::new(),
            first_total: None,
            not_entitled: false,
        }
    }
}

/// A page of a listing; brackets percent-encoded as real traffic is.
pub(super) fn page_url(base_url: &str, organization: &str, listing: Listing, page_size: u32, page: u64) -> String {
    let include = listing.include.map(|i| format!("include={i}&")).unwrap_or_default();
    format!(
        "{base_url}/api/v2/organizations/{organization}/{}?{include}page%5Bnumber%5D={page}&page%5Bsize%5D={page_size}",
        listing.path
    )
}

/// Whether `url` is on the origin (scheme, host, port) of `base_url`.
pub(super) fn same_origin(url: &str, base_url: &str) -> bool {
    let origin = |u: &str| {
        let after_scheme = u.find("://").map(|i| i + 3).unwrap_or(0);
        let end = u[after_scheme..].find('/').map(|i| i + after_scheme).unwrap_or(u.len());
        u[..end].to_ascii_lowercase()
    };
    origin(url) == origin(base_url)
}
