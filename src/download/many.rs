//! Many files at once (`instatui download`): transfers paced per host by [`Pace`], fetched
//! files made durable and named a batch at a time by [`batch::finish`] on a blocking thread
//! while the next transfers run.

use super::batch::{self, Fetched};
use super::pace::{Pace, Ticket};
use super::{Attempt, Existing, Job, Outcome, Step, fetch_job};
use crate::instagram::Client;
use crate::secret::Secret;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::time::Instant;
use tokio::task::JoinHandle;

/// A batch waiting for its finish is handed over once it holds this many
/// files and the last one is finished, whichever comes later; at the end,
/// whatever is left. More than this accumulate only while a finish is slow.
const BATCH_FILES: usize = 64;
/// While a finish runs, fetched files wait in memory up to this many; then
/// the transfers wait for it (the disk is the bottleneck).
const BATCH_MAX: usize = 4096;

type Finish = JoinHandle<Vec<(usize, Result<Outcome, String>)>>;

/// Saves every job, each host at its own pace (see [`super::pace`]); one
/// outcome per job, in the jobs' order. `done` is called as each file is
/// fetched, skipped or fails, for a progress bar.
pub async fn run_all(
    client: &Client,
    token: &Secret,
    jobs: &[Job],
    dir: &Path,
    existing: &Existing,
    done: impl Fn(),
) -> Vec<Result<Outcome, String>> {
    let mut results: Vec<Option<Result<Outcome, String>>> = Vec::new();
    results.resize_with(jobs.len(), || None);
    let mut queues: HashMap<String, VecDeque<usize>> = HashMap::new();
    let mut hosts: Vec<String> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let host = host_of(job);
        let queue = queues.entry(host.clone()).or_insert_with(|| {
            hosts.push(host);
            VecDeque::new()
        });
        queue.push_back(i);
    }
    let mut paces: HashMap<String, (Pace, usize)> = HashMap::new();
    let mut running = FuturesUnordered::new();
    let mut fetched: Vec<(usize, Fetched)> = Vec::new();
    let mut finishing: Option<Finish> = None;
    loop {
        // Start what each host's pace allows, the hosts in turn.
        for host in &hosts {
            let Some(queue) = queues.get_mut(host) else {
                continue;
            };
            let (pace, in_flight) = paces.entry(host.clone()).or_default();
            while *in_flight < pace.limit()
                && let Some(i) = queue.pop_front()
            {
                *in_flight += 1;
                let ticket = pace.start(Instant::now());
                let host = host.clone();
                running.push(async move {
                    let attempt = fetch_job(client, token, &jobs[i], dir, existing).await;
                    (i, host, ticket, attempt)
                });
            }
        }
        let Some((i, host, ticket, attempt)) = running.next().await else {
            break;
        };
        let (pace, in_flight) = paces.entry(host.clone()).or_default();
        *in_flight = in_flight.saturating_sub(1);
        let was = pace.limit();
        learn(pace, ticket, &attempt);
        if pace.limit() != was {
            tracing::debug!(%host, from = was, to = pace.limit(), "download pace");
        }
        done();
        match attempt.result {
            Ok(Step::Done(outcome)) => results[i] = Some(Ok(outcome)),
            Ok(Step::Fetched(file)) => fetched.push((i, file)),
            Err(e) => results[i] = Some(Err(e)),
        }
        let idle = finishing.as_ref().is_none_or(JoinHandle::is_finished);
        if fetched.len() >= BATCH_MAX || (idle && fetched.len() >= BATCH_FILES) {
            collect(finishing.take(), &mut results).await;
            finishing = Some(spawn_finish(dir, std::mem::take(&mut fetched)));
        }
    }
    collect(finishing.take(), &mut results).await;
    collect(Some(spawn_finish(dir, fetched)), &mut results).await;
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("the file was never tried".to_string())))
        .collect()
}

/// What the host's pace learns from an attempt; one that never went to the
/// network (already there) teaches nothing.
fn learn(pace: &mut Pace, ticket: Ticket, attempt: &Attempt) {
    if !attempt.transferred {
        return;
    }
    let now = Instant::now();
    if attempt.result.is_ok() {
        pace.done(ticket, attempt.bytes, attempt.busy_tries, now);
    } else {
        pace.failed(ticket, attempt.busy_tries > 0);
    }
}

fn spawn_finish(dir: &Path, batch: Vec<(usize, Fetched)>) -> Finish {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let (indices, files): (Vec<usize>, Vec<Fetched>) = batch.into_iter().unzip();
        indices
            .into_iter()
            .zip(batch::finish(&dir, files))
            .collect()
    })
}

async fn collect(finish: Option<Finish>, results: &mut [Option<Result<Outcome, String>>]) {
    let Some(finish) = finish else {
        return;
    };
    match finish.await {
        Ok(outcomes) => {
            for (i, outcome) in outcomes {
                results[i] = Some(outcome);
            }
        }
        // Left as never tried: the summary counts them as failed.
        Err(e) => tracing::warn!(error = %e, "a batch of downloads could not be finished"),
    }
}

/// The host (and port) a job's file comes from; jobs without a URL share one queue.
fn host_of(job: &Job) -> String {
    job.url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .map(|u| match (u.host_str(), u.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            _ => String::new(),
        })
        .unwrap_or_default()
}
