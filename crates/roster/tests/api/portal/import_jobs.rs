//! The portal's CSV import jobs live in the database: a job uploaded and started on one server
//! is followed and downloaded on another over the same database (two real servers; SQLite
//! servers share the file, as WAL lets them), survives a restart, is nobody else's, and shows
//! as stopped when its server dies mid-run. Refused uploads store nothing; old jobs are swept.

use super::browser::{Browser, Page};
use super::{member, set_up};
use crate::support::{spawn_app, test_config, Backend, TestApp};
use roster::{Application, Config};

/// A server on its own runtime, so that killing it ends its import mid-flight, as a crash does.
struct Server {
    base: String,
    kill: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    async fn start(config: Config) -> Self {
        let (base_tx, base_rx) = tokio::sync::oneshot::channel();
        let (kill, killed) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let app = Application::build(&config).await.unwrap();
                base_tx.send(format!("http://{}", app.address())).unwrap();
                let _server = tokio::spawn(app.run_until(std::future::pending()));
                let _ = killed.await;
            });
            // No graceful shutdown: a running import dies with its tasks.
            rt.shutdown_background();
        });
        Self {
            base: base_rx.await.unwrap(),
            kill: Some(kill),
            thread: Some(thread),
        }
    }

    fn kill(mut self) {
        let _ = self.kill.take().unwrap().send(());
        self.thread.take().unwrap().join().unwrap();
    }
}

/// `b`'s session on another server.
fn at(b: &Browser, base: &str) -> Browser {
    let mut other = Browser::new(base);
    other.cookies = b.cookies.clone();
    other
}

/// Posts the import form to `base` as a browser does (multipart, the fields in page order:
/// csrf, file, mode), with `b`'s cookies.
async fn upload(base: &str, b: &Browser, csrf: &str, file: &str) -> Page {
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let body = format!(
        "--BoUnD\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--BoUnD\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--BoUnD\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ncreate\r\n--BoUnD--\r\n"
    );
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}/users/import"))
        .header("cookie", cookies)
        .header("content-type", "multipart/form-data; boundary=BoUnD")
        .body(body)
        .send()
        .await
        .unwrap();
    Page {
        status: res.status().as_u16(),
        location: res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned()),
        set_cookies: Vec::new(),
        body: res.text().await.unwrap(),
    }
}

async fn text(app: &TestApp, sql: &str) -> String {
    let db = app.db.open().await;
    let v = db.read().await.unwrap().fetch_one(sql, &[]).await.unwrap();
    db.close().await;
    v
}

/// Polls the job's page until it is no longer running.
async fn wait_done(b: &mut Browser, job: &str) -> String {
    for _ in 0..300 {
        let page = b.get(job).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if !page.body.contains("<progress") {
            return page.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import did not finish");
}

const FILE: &str = "Email,First Name,Last Name,Type\r\nnew1@acme.test,New,One,1\r\nnot-an-email,Bad,Row,1\r\nnew2@acme.test,New,Two,1\r\n";

async fn jobs_are_shared_by_servers_and_survive_a_restart(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let one = Server::start(test_config(&app.db)).await;
    let mut on_one = at(&owner, &one.base);
    let csrf = on_one.get("/users/import").await.csrf();
    let users = app.db.count("users").await;

    // Refused uploads store nothing: a wrong form token, a file without an Email column.
    assert_eq!(upload(&one.base, &on_one, "wrong", FILE).await.status, 403);
    let bad = upload(&one.base, &on_one, &csrf, "Nope\r\nx\r\n").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"csv-error\""), "{}", bad.body);
    assert_eq!(app.db.count("import_jobs").await, 0);
    assert_eq!(app.db.count("import_job_chunks").await, 0);
    assert_eq!(app.db.count("import_job_rows").await, 0);

    // Uploaded and previewed on server one; the preview and its report read on server two.
    let sent = upload(&one.base, &on_one, &csrf, FILE).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let job = sent.location.unwrap();
    assert_eq!(app.db.count("import_jobs").await, 1);
    assert_eq!(app.db.count("import_job_chunks").await, 1);
    let preview = owner.get(&job).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("Dry run done"), "{}", preview.body);
    assert!(preview.body.contains("people.csv"), "{}", preview.body);
    assert!(preview.body.contains("new2@acme.test"), "{}", preview.body);
    let dry = owner.get(&format!("{job}/report.csv")).await;
    let lines: Vec<&str> = dry.body.lines().collect();
    assert_eq!(lines.len(), 4, "{}", dry.body);
    assert!(
        lines[1].starts_with("2,new1@acme.test,created,"),
        "{}",
        dry.body
    );
    assert_eq!(app.db.count("users").await, users);

    // Another user of the account does not see it, cannot run it or download its report.
    let mut mia = member(&app, &mut owner, "mia@acme.test").await;
    let users = app.db.count("users").await;
    let mia_csrf = mia.get("/profile").await.csrf();
    let seen = mia.get(&job).await;
    assert_eq!(seen.status, 404, "{}", seen.body);
    assert!(
        seen.body.contains("This import is not known"),
        "{}",
        seen.body
    );
    assert_eq!(mia.get(&format!("{job}/report.csv")).await.status, 404);
    let run = mia
        .post(&format!("{job}/run"), &[("csrf", &mia_csrf)])
        .await;
    assert_eq!(run.status, 404, "{}", run.body);
    assert_eq!(app.db.count("users").await, users);
    assert_eq!(
        text(&app, "SELECT phase FROM import_jobs").await,
        "previewed"
    );

    // Run on server one, followed to the end on server two.
    let started = on_one.post(&format!("{job}/run"), &[("csrf", &csrf)]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let done = wait_done(&mut owner, &job).await;
    assert!(done.contains("The import is done."), "{done}");
    assert_eq!(app.db.count("users").await, users + 2);
    // Starting it again, on either server, does nothing.
    let again = owner.post(&format!("{job}/run"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status, 303);
    assert_eq!(app.db.count("users").await, users + 2);

    // The report, from server two: the real ids, the refused row's reason.
    let id1 = text(&app, "SELECT id FROM users WHERE email = 'new1@acme.test'").await;
    let id2 = text(&app, "SELECT id FROM users WHERE email = 'new2@acme.test'").await;
    let report = owner.get(&format!("{job}/report.csv")).await;
    assert_eq!(report.status, 200);
    let lines: Vec<&str> = report.body.split("\r\n").collect();
    assert_eq!(lines.len(), 5, "{}", report.body);
    assert_eq!(lines[0], "Line,Email,Outcome,Id,Reason");
    assert_eq!(lines[1], format!("2,new1@acme.test,created,{id1},"));
    assert!(
        lines[2].starts_with("3,not-an-email,error,,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].len() > "3,not-an-email,error,,".len(),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], format!("4,new2@acme.test,created,{id2},"));
    assert_eq!(lines[4], "");

    // Server one restarts: the new process shows the finished job and its report.
    one.kill();
    let two = Server::start(test_config(&app.db)).await;
    let mut on_two = at(&owner, &two.base);
    let page = on_two.get(&job).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("The import is done."), "{}", page.body);
    assert_eq!(
        on_two.get(&format!("{job}/report.csv")).await.body,
        report.body
    );
    two.kill();
}

async fn a_job_whose_server_died_shows_as_stopped_and_old_jobs_go(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let one = Server::start(test_config(&app.db)).await;
    let on_one = at(&owner, &one.base);
    let csrf = owner.get("/users/import").await.csrf();
    let mut file = String::from("Email,Type\r\n");
    for i in 0..12_000 {
        file.push_str(&format!("user{i}@acme.test,1\r\n"));
    }
    let sent = upload(&one.base, &on_one, &csrf, &file).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let job = sent.location.unwrap();
    assert!(app.db.count("import_job_chunks").await >= 1);

    // Server one dies right after starting the run.
    let mut on_one = on_one;
    let started = on_one.post(&format!("{job}/run"), &[("csrf", &csrf)]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    one.kill();
    assert_eq!(text(&app, "SELECT phase FROM import_jobs").await, "running");

    // Until its heartbeat is old, the job shows as running; then as stopped, with the line
    // to go on from.
    let page = owner.get(&job).await;
    assert!(page.body.contains("<progress"), "{}", page.body);
    app.clock.advance(time::Duration::minutes(3));
    let page = owner.get(&job).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("<progress"), "{}", page.body);
    let report = owner.get(&format!("{job}/report.csv")).await;
    let last: u64 = report
        .body
        .lines()
        .last()
        .and_then(|l| l.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    assert!(last < 12_001, "the import finished before its server died");
    assert!(
        page.body.contains(&format!(
            "The server running this import stopped. The rows before line {} were written",
            last + 1
        )),
        "{}",
        page.body
    );

    // Six hours later the job is swept (here by the next upload) with its file and report.
    app.clock.advance(time::Duration::hours(6));
    let sent = upload(&app.base, &owner, &csrf, FILE).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(owner.get(&job).await.status, 404);
    assert_eq!(app.db.count("import_jobs").await, 1);
    assert_eq!(app.db.count("import_job_chunks").await, 1);
    assert_eq!(app.db.count("import_job_rows").await, 3);
}

/// A run that fails (here the seats its preview counted were taken meanwhile) ends `failed`,
/// with the reason in the portal's words, and writes nothing (the seat check comes first).
async fn a_failed_run_records_why(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/users/import").await.csrf();
    let file = "Email,Type\r\nlic1@acme.test,2\r\nlic2@acme.test,2\r\n";
    let sent = upload(&app.base, &owner, &csrf, file).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let job = sent.location.unwrap();
    assert!(owner.get(&job).await.body.contains("Dry run done"));

    // Another admin takes all but one of the free Licensed seats.
    let free: i64 = text(
        &app,
        "SELECT CAST(licensed_seats - licensed_used AS TEXT) FROM accounts",
    )
    .await
    .parse()
    .unwrap();
    assert!(free >= 2, "{free} free seats");
    let emails: Vec<String> = (1..free).map(|i| format!("seat{i}@acme.test")).collect();
    let added = owner
        .post(
            "/users/add",
            &[
                ("csrf", &csrf),
                ("emails", &emails.join(",")),
                ("type", "2"),
            ],
        )
        .await;
    assert!(added.status < 400, "{}", added.body);
    let users = app.db.count("users").await;

    let started = owner.post(&format!("{job}/run"), &[("csrf", &csrf)]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let page = wait_done(&mut owner, &job).await;
    assert!(
        page.contains(
            "The import stopped; rows written before the error are kept: \
             This file needs 2 Licensed seats and the account has 1 free, so nothing was \
             imported."
        ),
        "{page}"
    );
    assert_eq!(text(&app, "SELECT phase FROM import_jobs").await, "failed");
    assert_eq!(app.db.count("users").await, users);
}

both_backends!(
    jobs_are_shared_by_servers_and_survive_a_restart,
    a_job_whose_server_died_shows_as_stopped_and_old_jobs_go,
    a_failed_run_records_why,
);
