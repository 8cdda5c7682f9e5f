"""The site: what assembles several apps (front page, search across people, papers and
talks, the sitemap index, the downloads, the API router, the demo loader). Apps stand on
``core``, in the order core < profiles < publications < events < cv; this package stands
on them all, and none of them imports it."""
